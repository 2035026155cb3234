package syncproto

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxBodyBytes bounds a decompressed request or response body.
const MaxBodyBytes = 32 << 20

// ErrTooLarge is returned when a body is larger than the limit.
var ErrTooLarge = errors.New("syncproto: body too large")

// Encode marshals v as JSON and, if gz, gzips it. Nothing is HTML-escaped
// (json.Marshal writes "<", ">" and "&" as six bytes each): a body is as
// long as the text it carries, which the pull page budget counts.
func Encode(v any, gz bool) ([]byte, error) {
	b, err := Marshal(v)
	if err != nil {
		return nil, err
	}
	if !gz {
		return b, nil
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Marshal is json.Marshal without HTML escaping.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// Decode reads a JSON body of at most limit bytes after decompression
// (gzipped when gz) into v, rejecting trailing data. Unknown fields are
// ignored: the contract grows by adding optional fields.
func Decode(r io.Reader, gz bool, limit int64, v any) error {
	if gz {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("syncproto: gzip: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	lr := &io.LimitedReader{R: r, N: limit + 1}
	if push, ok := v.(*PushRequest); ok {
		// The whole body, then its plain form by hand (decodePush) or
		// encoding/json.
		b, err := io.ReadAll(lr)
		switch {
		case lr.N <= 0:
			return ErrTooLarge
		case err != nil:
			return fmt.Errorf("syncproto: decode: %w", err)
		case decodePush(b, push):
			return nil
		}
		if err := json.Unmarshal(b, v); err != nil {
			return fmt.Errorf("syncproto: decode: %w", err)
		}
		return nil
	}
	dec := json.NewDecoder(lr)
	if err := dec.Decode(v); err != nil {
		if lr.N <= 0 {
			return ErrTooLarge
		}
		return fmt.Errorf("syncproto: decode: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if lr.N <= 0 {
			return ErrTooLarge
		}
		return errors.New("syncproto: trailing data after the JSON body")
	}
	if lr.N <= 0 {
		// The limit cut the body: what was read looked complete, but the
		// body goes on.
		return ErrTooLarge
	}
	return nil
}
