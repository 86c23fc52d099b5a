package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	// The tests' repositories come and go: their git history is not kept
	// in the user's cache.
	if os.Getenv("PIPEGEN_CACHE_DIR") == "" {
		os.Setenv("PIPEGEN_CACHE_DIR", "off")
	}
	testscript.Main(m, map[string]func(){
		"pipegen": func() { os.Exit(mainCode()) },
	})
}

// TestScripts runs the command contracts in testdata/script: each script is
// an input tree, the commands, and their expected output and exit codes.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "")
			return nil
		},
	})
}
