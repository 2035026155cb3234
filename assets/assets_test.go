package assets

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
)

// fyneKeys are the keys of Fyne v2.7.1's lang/translations/base.en.json:
// Fyne's own strings, which it does not translate into Vietnamese.
// TestFyneKeysCovered also reads the file itself when the go command can
// find the module, so that a Fyne upgrade with new keys fails here.
var fyneKeys = []string{
	"Advanced", "Cancel", "Confirm", "Copy", "Create Folder", "Cut", "Enter filename",
	"Error", "Favourites", "File", "Folder", "New Folder", "No", "OK", "Open", "Paste",
	"Quit", "Redo", "Save", "Select all", "Show Hidden Files", "Undo", "Yes",
	"file.name", "file.parent",
	"monday", "monday.short", "tuesday", "tuesday.short", "wednesday", "wednesday.short",
	"thursday", "thursday.short", "friday", "friday.short", "saturday", "saturday.short",
	"sunday", "sunday.short",
}

// uiDir is the package whose texts the translations serve.
const uiDir = "../app/ui"

func readTranslation(t *testing.T, code string) map[string]any {
	t.Helper()
	data, err := translations.ReadFile("translation/" + code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	return m
}

// text returns a translation's text: a plain string, or the "other" form of
// a plural entry.
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		s, _ := v["other"].(string)
		return s
	}
	return ""
}

func TestIcon(t *testing.T) {
	if Icon.Name() != "icon.png" {
		t.Errorf("Icon.Name() = %q", Icon.Name())
	}
	img, err := png.Decode(bytes.NewReader(Icon.Content()))
	if err != nil {
		t.Fatalf("decode icon: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Errorf("icon is %dx%d, want 256x256", b.Dx(), b.Dy())
	}
}

var placeholderRE = regexp.MustCompile(`\{\{[^}]*\}\}`)

func TestTranslationsMatch(t *testing.T) {
	vi, en := readTranslation(t, LangVI), readTranslation(t, LangEN)
	for k, v := range vi {
		if text(v) == "" {
			t.Errorf("vi.json: %q has no text", k)
		}
		e, ok := en[k]
		if !ok {
			t.Errorf("en.json lacks %q", k)
			continue
		}
		pv := placeholderRE.FindAllString(text(v), -1)
		pe := placeholderRE.FindAllString(text(e), -1)
		sort.Strings(pv)
		sort.Strings(pe)
		if strings.Join(pv, ",") != strings.Join(pe, ",") {
			t.Errorf("%q: placeholders differ: vi %v, en %v", k, pv, pe)
		}
	}
	for k, v := range en {
		if _, ok := vi[k]; !ok {
			t.Errorf("vi.json lacks %q", k)
		}
		if text(v) == "" {
			t.Errorf("en.json: %q has no text", k)
		}
	}
}

func TestFyneKeysCovered(t *testing.T) {
	keys := append([]string(nil), fyneKeys...)
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "fyne.io/fyne/v2").Output()
	if dir := strings.TrimSpace(string(out)); err == nil && dir != "" {
		data, err := os.ReadFile(filepath.Join(dir, "lang", "translations", "base.en.json"))
		if err != nil {
			t.Fatal(err)
		}
		var base map[string]any
		if err := json.Unmarshal(data, &base); err != nil {
			t.Fatal(err)
		}
		for k := range base {
			keys = append(keys, k)
		}
	} else {
		t.Logf("go list fyne.io/fyne/v2: %v; checking the built-in key list only", err)
	}
	vi, en := readTranslation(t, LangVI), readTranslation(t, LangEN)
	for _, k := range keys {
		if _, ok := vi[k]; !ok {
			t.Errorf("vi.json does not translate Fyne's %q", k)
		}
		if _, ok := en[k]; !ok {
			t.Errorf("en.json lacks Fyne's %q", k)
		}
	}
}

// usedKeys returns the translation keys passed to lang.X/L/N/XN in the Go
// files of dir; test files count only if withTests.
func usedKeys(t *testing.T, dir string, withTests bool) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	keys := map[string]string{}
	fset := token.NewFileSet()
	for _, fn := range files {
		if !withTests && strings.HasSuffix(fn, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, fn, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "lang" {
				return true
			}
			switch sel.Sel.Name {
			case "X", "L", "N", "XN", "Localize", "LocalizeKey", "LocalizePlural", "LocalizePluralKey":
			default:
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: lang.%s with a key that is not a string literal", fset.Position(call.Pos()), sel.Sel.Name)
				return true
			}
			k, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			keys[k] = fset.Position(call.Pos()).String()
			return true
		})
	}
	return keys
}

func TestUIKeysTranslated(t *testing.T) {
	vi, en := readTranslation(t, LangVI), readTranslation(t, LangEN)
	for k, pos := range usedKeys(t, uiDir, true) {
		if _, ok := vi[k]; !ok {
			t.Errorf("%s: key %q is missing from vi.json", pos, k)
		}
		if _, ok := en[k]; !ok {
			t.Errorf("%s: key %q is missing from en.json", pos, k)
		}
	}
}

func TestEveryAppKeyUsed(t *testing.T) {
	fyne := map[string]bool{}
	for _, k := range fyneKeys {
		fyne[k] = true
	}
	used := usedKeys(t, uiDir, false)
	for k := range readTranslation(t, LangVI) {
		if !fyne[k] && used[k] == "" {
			t.Errorf("vi.json: %q is not used in %s", k, uiDir)
		}
	}
}

func TestLoadTranslations(t *testing.T) {
	t.Cleanup(func() {
		if err := LoadTranslations(LangVI); err != nil {
			t.Error(err)
		}
	})
	cases := []struct {
		code, lang, cancel, tab string
	}{
		{"en", LangEN, "Cancel", "Cases"},
		{"vi", LangVI, "Hủy", "Vụ việc"},
		{"", LangVI, "Hủy", "Vụ việc"},
	}
	for _, c := range cases {
		if err := LoadTranslations(c.code); err != nil {
			t.Fatalf("LoadTranslations(%q): %v", c.code, err)
		}
		if got := Language(); got != c.lang {
			t.Errorf("LoadTranslations(%q): Language() = %q, want %q", c.code, got, c.lang)
		}
		if got := lang.L("Cancel"); got != c.cancel {
			t.Errorf("LoadTranslations(%q): Cancel = %q, want %q", c.code, got, c.cancel)
		}
		if got := lang.X("tab.cases", "?"); got != c.tab {
			t.Errorf("LoadTranslations(%q): tab.cases = %q, want %q", c.code, got, c.tab)
		}
	}
	if got := lang.X("sunday.short", "?"); got != "CN" {
		t.Errorf("sunday.short = %q, want CN", got)
	}
	if err := LoadTranslations("fr"); err == nil {
		t.Error("LoadTranslations(\"fr\") = nil, want an error")
	}
	if Language() != LangVI {
		t.Errorf("a failed load changed the language to %q", Language())
	}
}
