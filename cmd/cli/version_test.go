package cli

import (
	"os"
	"regexp"
	"testing"
)

// The version the app sends to the server is the one the Windows exe
// carries (fyne package reads FyneApp.toml): bump both together.
func TestAppVersionMatchesFyneApp(t *testing.T) {
	b, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^Version *= *"([^"]*)"`).FindSubmatch(b)
	if m == nil {
		t.Fatal("FyneApp.toml has no Version")
	}
	if string(m[1]) != AppVersion {
		t.Fatalf("FyneApp.toml Version %q, cli.AppVersion %q", m[1], AppVersion)
	}
}
