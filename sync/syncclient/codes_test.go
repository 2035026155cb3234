package syncclient

import (
	"testing"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// The wire codes mirror app's codes by value; syncproto may not import app.
func TestCodesMatchApp(t *testing.T) {
	for _, p := range [][2]string{
		{app.EINVALID, syncproto.CodeInvalid},
		{app.ENOTFOUND, syncproto.CodeNotFound},
		{app.ECONFLICT, syncproto.CodeConflict},
		{app.EOFFLINE, syncproto.CodeOffline},
		{app.EUNAUTHORIZED, syncproto.CodeUnauthorized},
		{app.EFORBIDDEN, syncproto.CodeForbidden},
		{app.ENEWERDATA, syncproto.CodeNewerData},
		{app.EINTERNAL, syncproto.CodeInternal},
		{app.ResultApplied, syncproto.StatusApplied},
		{app.ResultDuplicate, syncproto.StatusDuplicate},
		{app.ResultRejected, syncproto.StatusRejected},
	} {
		if p[0] != p[1] {
			t.Errorf("app %q != syncproto %q", p[0], p[1])
		}
	}
}
