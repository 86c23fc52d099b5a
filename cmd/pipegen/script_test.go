package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
	readme, err := filepath.Abs("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"readme": func(ts *testscript.TestScript, neg bool, args []string) { runReadme(ts, neg, args, readme) },
		},
	})
}

// runReadme is the script command "readme MARKER": it runs, in the
// script's current folder, the shell commands of every sh block of the
// README that follows an HTML comment starting with "<!-- MARKER", one line
// at a time, as a user would paste them.
func runReadme(ts *testscript.TestScript, neg bool, args []string, readme string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: readme MARKER")
	}
	src, err := os.ReadFile(readme)
	ts.Check(err)
	blocks := readmeBlocks(string(src), args[0])
	if len(blocks) == 0 {
		ts.Fatalf("README.md has no sh block after <!-- %s", args[0])
	}
	for _, block := range blocks {
		for _, line := range block {
			words, err := shellWords(line)
			if err != nil {
				ts.Fatalf("README.md: %q: %v", line, err)
			}
			if len(words) == 0 {
				continue
			}
			if words[0] != "pipegen" {
				ts.Fatalf("README.md: %q: only pipegen commands are run", line)
			}
			ts.Logf("> %s", line)
			if err := ts.Exec(words[0], words[1:]...); err != nil {
				ts.Fatalf("README.md: %q: %v", line, err)
			}
		}
	}
}

// readmeBlocks returns the lines of the ```sh blocks that follow a line
// starting with "<!-- "+marker.
func readmeBlocks(src, marker string) [][]string {
	var blocks [][]string
	lines := strings.Split(src, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "<!-- "+marker) {
			continue
		}
		if i+1 >= len(lines) || strings.TrimSpace(lines[i+1]) != "```sh" {
			continue
		}
		var block []string
		for i += 2; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			block = append(block, lines[i])
		}
		blocks = append(blocks, block)
	}
	return blocks
}

// shellWords splits a line of shell into words as sh would for the simple
// commands a README shows: single and double quotes, and a # comment.
func shellWords(line string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case r == '#' && !inWord:
			return words, nil
		case strings.ContainsRune("|&;<>()$`\\*?", r):
			return nil, fmt.Errorf("%q: only simple commands are supported", r)
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed quote")
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}
