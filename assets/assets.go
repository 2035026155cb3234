// Package assets holds the files embedded in the desktop program: the icon
// and the translations of the user interface.
package assets

import (
	"embed"
	"fmt"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon: a red shield with a gold star and scale.
var Icon fyne.Resource = &fyne.StaticResource{StaticName: "icon.png", StaticContent: iconPNG}

//go:embed translation/*.json
var translations embed.FS

// Languages of the user interface.
const (
	LangVI = "vi" // Vietnamese, the default
	LangEN = "en"
)

var current atomic.Value // string: the language last loaded

// LoadTranslations registers the user-interface texts of langCode ("vi",
// "en"; "" means "vi") with Fyne's lang package. Call it once, before the
// first window is built.
//
// Fyne chooses a language only from the operating system's locale and ships
// no Vietnamese (fyne-io/fyne#5333), so the texts are registered under
// whatever locale the system reports. vi.json also translates Fyne's own
// strings (dialog buttons, entry menus, weekday names).
func LoadTranslations(langCode string) error {
	switch langCode {
	case "":
		langCode = LangVI
	case LangVI, LangEN:
	default:
		return fmt.Errorf("assets: unsupported language %q (want %q or %q)", langCode, LangVI, LangEN)
	}
	data, err := translations.ReadFile("translation/" + langCode + ".json")
	if err != nil {
		return fmt.Errorf("assets: read %s translations: %w", langCode, err)
	}
	if err := lang.AddTranslationsForLocale(data, lang.SystemLocale()); err != nil {
		return fmt.Errorf("assets: register %s translations: %w", langCode, err)
	}
	current.Store(langCode)
	return nil
}

// Language returns the language last loaded by LoadTranslations: "vi" (also
// when none was loaded) or "en". Screens use it to pick the label of a code
// list value in the same language as the rest of the interface.
func Language() string {
	if s, ok := current.Load().(string); ok {
		return s
	}
	return LangVI
}
