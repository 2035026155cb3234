package ui

import (
	"fmt"
	"os"
	"testing"

	"bvntd/assets"
)

func TestMain(m *testing.M) {
	if err := assets.LoadTranslations(assets.LangVI); err != nil {
		fmt.Fprintln(os.Stderr, "load translations:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
