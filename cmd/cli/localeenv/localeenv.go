// Package localeenv gives Fyne a locale it can parse when the environment
// has none (LANG=C.UTF-8, POSIX, unset: common on servers, CI and minimal
// Linux installs). Fyne looks the locale up while its packages initialise
// and logs a three-line "Error parsing user locale C" otherwise, on every
// command. Import it for its side effect from package main; it imports only
// the standard library, so Go initialises it (by import path order) before
// any of Fyne's packages.
//
// It sets only LANGUAGE, which gettext-style lookups read and Xlib does not,
// so window titles keep the encoding of the real locale.
package localeenv

import (
	"os"
	"strings"
)

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	loc := ""
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = os.Getenv(env); loc != "" {
			break
		}
	}
	if loc == "" || loc == "C" || loc == "POSIX" || strings.HasPrefix(loc, "C.") {
		os.Setenv("LANGUAGE", "vi")
	}
}
