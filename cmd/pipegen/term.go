package main

import (
	"io"
	"os"
)

var osGetenv = os.Getenv

// isTerminal reports whether w is a terminal, for colour.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// useColor reports whether to colour output: only on a terminal, and never
// when NO_COLOR is set (https://no-color.org) or the terminal is dumb.
func useColor(terminal bool, getenv func(string) string) bool {
	return terminal && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}
