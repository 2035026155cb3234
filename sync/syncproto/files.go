package syncproto

// Evidence files (app.Attachment's content) travel apart from the records,
// after them, as raw bytes (no JSON, no base64: a body is as long as the
// bytes it carries), in pieces that resume where a cut link left them.
//
// A file is known by the hex SHA-256 of its content, but a hash is not a
// capability: the server answers for a file only to a device whose scope
// holds an attachment record (not voided) with that hash — a commune's
// device its commune's; a provincial device with the full copy any
// commune's; one with the limited copy only those of the cases it holds
// whole (referred to a provincial body, or its own) — and takes an upload
// only for such a record that the device may write (its commune; a
// provincial device any). Any other request about the file is answered 403
// CodeForbidden, the same whether or not the file exists.
//
// The content is checked in chunks of FileChunkSize bytes, each against
// its SHA-256, as it arrives, then whole against its hash.
//
// Upload: PathFileStatus says how many bytes of the file the server holds
// (Offset, all of them when Stored); the device sends the rest to
// PathFilePut in one or more requests, each starting at the server's
// offset, with the SHA-256 of every chunk the piece touches. A piece cut
// by the link is kept by the server up to the last byte it received; a
// chunk that does not match its hash is cut off (400 CodeChunkMismatch) and
// sent again.
//
// Download: PathFileStatus with Chunks gives the SHA-256 of every chunk;
// the device asks PathFileGet for the bytes from what its own partial file
// holds, checks each chunk as it completes, and resumes the same way.

// Paths of the evidence files, all POST.
const (
	// PathFileStatus answers FileStatusRequest with FileStatusResponse.
	PathFileStatus = "/v1/files/status"
	// PathFilePut takes a piece of a file: query sha256=HASH&offset=N,
	// body the raw bytes (application/octet-stream, at most
	// MaxFilePieceBytes), header HeaderChunkSums; answers FilePutResponse.
	PathFilePut = "/v1/files/put"
	// PathFileGet answers FileGetRequest with the raw bytes asked for
	// (application/octet-stream).
	PathFileGet = "/v1/files/get"
)

// HeaderChunkSums carries, with a piece sent to PathFilePut, the hex
// SHA-256 of every chunk the piece touches, comma-separated, from the
// chunk holding its first byte.
const HeaderChunkSums = "X-Bvntd-Chunk-Sums"

// FileChunkSize is the unit of a file whose hash is checked (256 KiB).
const FileChunkSize = 256 << 10

// MaxFilePieceBytes bounds one piece sent or asked for (4 MiB).
const MaxFilePieceBytes = 4 << 20

// MaxFileStatusHashes bounds the files of one FileStatusRequest.
const MaxFileStatusHashes = 256

// CodeChunkMismatch (HTTP 400): a chunk received does not match its
// SHA-256 (or the whole file its hash); the server dropped it, and the
// device sends it again from the offset PathFileStatus gives.
const CodeChunkMismatch = "chunk_mismatch"

// FileStatusRequest asks about files by hash.
type FileStatusRequest struct {
	Hashes []string `json:"hashes"`
	// Chunks asks for the chunks' hashes of the files stored (downloads).
	Chunks bool `json:"chunks,omitempty"`
}

// States of a file on the server.
const (
	FileStored    = "stored"    // the server holds the whole file
	FilePartial   = "partial"   // Offset bytes have arrived
	FileMissing   = "missing"   // nothing has arrived
	FileForbidden = "forbidden" // the device may not see or send it
)

// FileStatus is what the server holds of one file.
type FileStatus struct {
	SHA256 string `json:"sha256"`
	Status string `json:"status"`
	// Size is the file's size as its attachment record says.
	Size int64 `json:"size,omitempty"`
	// Offset is how many bytes the server holds (Size when stored).
	Offset int64 `json:"offset"`
	// ChunkSums are the chunks' hex SHA-256, in order, when asked for and
	// the file is stored.
	ChunkSums []string `json:"chunk_sums,omitempty"`
	// Writable says the device may send the file (its attachment record
	// is one the device may write).
	Writable bool `json:"writable,omitempty"`
}

// FileStatusResponse answers every hash asked, in order.
type FileStatusResponse struct {
	Files        []FileStatus `json:"files"`
	ServerTimeMS int64        `json:"server_time_ms"`
}

// FilePutResponse answers a piece: the bytes the server now holds.
type FilePutResponse struct {
	Offset int64 `json:"offset"`
	Stored bool  `json:"stored"`
}

// FileGetRequest asks for the bytes of a stored file from Offset, at most
// Length (0: to the end, within MaxFilePieceBytes).
type FileGetRequest struct {
	SHA256 string `json:"sha256"`
	Offset int64  `json:"offset"`
	Length int64  `json:"length,omitempty"`
}
