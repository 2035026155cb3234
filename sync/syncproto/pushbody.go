package syncproto

import (
	"bytes"
	"compress/gzip"
	"strconv"
)

// EncodePushHead encodes a PushRequest of deviceID and muts as the first
// gzip member of its body, without DeviceNowMS: a client encodes the next
// batch while the server applies the current one, and reads its clock only
// when it sends it (EncodePushTail). The body decodes as the PushRequest
// (gzip readers read the members one after the other, as Decode does).
//
// muts is a []Mutation, or a slice of any type that encodes the same
// JSON (a client's own, carrying each mutation's fields as one raw JSON
// object).
func EncodePushHead(deviceID string, muts any) ([]byte, error) {
	ms, err := Marshal(muts)
	if err != nil {
		return nil, err
	}
	return EncodePushHeadJSON(deviceID, ms)
}

// EncodePushHeadJSON is EncodePushHead of the mutations already encoded:
// ms, their JSON array as Marshal writes it.
func EncodePushHeadJSON(deviceID string, ms []byte) ([]byte, error) {
	id, err := Marshal(deviceID)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	for _, part := range [][]byte{[]byte(`{"device_id":`), id, []byte(`,"mutations":`), ms} {
		if _, err := zw.Write(part); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// EncodePushTail returns the whole body: head and a second gzip member
// that closes the request with the device's clock (nowMS; omitted if not
// positive, as PushRequest's JSON omits it) and After (after; omitted if
// empty).
func EncodePushTail(head []byte, nowMS int64, after string) ([]byte, error) {
	var tail []byte
	if nowMS > 0 {
		tail = strconv.AppendInt([]byte(`,"device_now_ms":`), nowMS, 10)
	}
	if after != "" {
		a, err := Marshal(after)
		if err != nil {
			return nil, err
		}
		tail = append(append(tail, `,"after":`...), a...)
	}
	tail = append(tail, '}')
	buf := bytes.NewBuffer(append(make([]byte, 0, len(head)+64), head...))
	zw, _ := gzip.NewWriterLevel(buf, gzip.BestSpeed)
	if _, err := zw.Write(tail); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
