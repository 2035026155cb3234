package sqlitefile

import "testing"

func TestURIFor(t *testing.T) {
	for _, tc := range []struct {
		path string
		sep  rune
		want string
	}{
		// Windows: the data folder under %LocalAppData%, a Vietnamese user name.
		{`C:\Users\Nguyễn Văn An\AppData\Local\bvntd\bvntd.sqlite`, '\\',
			"file:///C:/Users/Nguy%E1%BB%85n%20V%C4%83n%20An/AppData/Local/bvntd/bvntd.sqlite"},
		{`C:\Users\An\AppData\Roaming\bvntd\bvntd.sqlite`, '\\', "file:///C:/Users/An/AppData/Roaming/bvntd/bvntd.sqlite"},
		{`d:\BVNTD\dữ liệu #1\bvntd.sqlite`, '\\', "file:///d:/BVNTD/d%E1%BB%AF%20li%E1%BB%87u%20%231/bvntd.sqlite"},
		{`E:\sao lưu 100%\bản?.sqlite`, '\\', "file:///E:/sao%20l%C6%B0u%20100%25/b%E1%BA%A3n%3F.sqlite"},
		// A network share (UNC path).
		{`\\may-chu\chia-se\bvntd\bvntd.sqlite`, '\\', "file:////may-chu/chia-se/bvntd/bvntd.sqlite"},
		// Unix.
		{"/home/an/.config/bvntd/bvntd.sqlite", '/', "file:///home/an/.config/bvntd/bvntd.sqlite"},
		{"/tmp/a b/x?y#z.sqlite", '/', "file:///tmp/a%20b/x%3Fy%23z.sqlite"},
	} {
		if got := URIFor(tc.path, tc.sep); got != tc.want {
			t.Errorf("URIFor(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}
