package cli

import (
	"errors"
	"testing"
)

func TestDefaultDataDir(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	config := func(dir string, err error) func() (string, error) {
		return func() (string, error) { return dir, err }
	}
	for _, tc := range []struct {
		name, goos string
		env        map[string]string
		config     string
		configErr  error
		want       string
	}{
		{"windows: local, not roaming", "windows",
			map[string]string{"LocalAppData": `C:\Users\Nguyễn Văn An\AppData\Local`, "AppData": `C:\Users\Nguyễn Văn An\AppData\Roaming`},
			`C:\Users\Nguyễn Văn An\AppData\Roaming`, nil, `C:\Users\Nguyễn Văn An\AppData\Local\bvntd`},
		{"windows: trailing separator", "windows", map[string]string{"LocalAppData": `D:\Profiles\an\AppData\Local\`},
			"", nil, `D:\Profiles\an\AppData\Local\bvntd`},
		{"windows: no LocalAppData, roaming folder", "windows", nil,
			`C:\Users\An\AppData\Roaming`, nil, `C:\Users\An\AppData\Roaming\bvntd`},
		{"linux", "linux", map[string]string{"LocalAppData": `C:\x`}, "/home/an/.config", nil, "/home/an/.config/bvntd"},
		{"no config folder", "linux", nil, "", errors.New("$HOME is not defined"), "bvntd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := defaultDataDir(tc.goos, env(tc.env), config(tc.config, tc.configErr)); got != tc.want {
				t.Errorf("defaultDataDir = %q, want %q", got, tc.want)
			}
		})
	}
}
