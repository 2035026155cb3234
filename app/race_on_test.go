//go:build race

package app

// raceDetector is true under -race: tests that compare two single-threaded
// implementations over many random inputs run fewer of them there, where
// every memory access costs ten times as much and no goroutine is to be
// checked (.ci/test runs them whole in every other step).
const raceDetector = true
