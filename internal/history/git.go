package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"unicode"
)

// git runs git commands in the pipeline's folder. Every argument goes to
// git as it is, with no shell in between; paths come after "--".
type git struct {
	ctx context.Context
	dir string
}

// gitError is a git command that failed, with what it said.
type gitError struct {
	cmd    string
	code   int
	stderr string
}

func (e *gitError) Error() string {
	if e.stderr == "" {
		return fmt.Sprintf("git %s: exit status %d", e.cmd, e.code)
	}
	return fmt.Sprintf("git %s: %s", e.cmd, e.stderr)
}

// command returns the git command for args, run in g.dir. Git speaks
// English, so that what it says can be recognised, and never prompts.
func (g git) command(args ...string) *exec.Cmd {
	cmd := exec.CommandContext(g.ctx, "git", append([]string{"-C", g.dir}, args...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANGUAGE=C", "GIT_TERMINAL_PROMPT=0")
	return cmd
}

// output runs git with args and returns its output. The error says what
// git said, or that ctx was cancelled.
func (g git) output(stdin io.Reader, args ...string) ([]byte, error) {
	cmd := g.command(args...)
	cmd.Stdin = stdin
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	return out.Bytes(), g.failed(commandName(args), err, stderr.Bytes())
}

// failed turns the error of a git command into one that says what git
// said.
func (g git) failed(name string, err error, stderr []byte) error {
	if err == nil {
		return nil
	}
	if g.ctx.Err() != nil {
		return g.ctx.Err()
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return &gitError{cmd: name, code: ee.ExitCode(), stderr: clean(stderr)}
	}
	return fmt.Errorf("git %s: %w", name, err)
}

// commandName is the git subcommand among args, after the -c options.
func commandName(args []string) string {
	for i := 0; i < len(args); i++ {
		if args[i] == "-c" {
			i++
			continue
		}
		return args[i]
	}
	return ""
}

// clean makes what git printed fit one line of a message: its "fatal:"
// and "error:" prefixes go, control characters (a hostile file name may
// hold escape sequences) become spaces, and it is cut short.
func clean(b []byte) string {
	var lines []string
	for l := range strings.SplitSeq(string(b), "\n") {
		l = strings.TrimSpace(l)
		for _, p := range []string{"fatal: ", "error: "} {
			l = strings.TrimPrefix(l, p)
		}
		if l != "" {
			lines = append(lines, l)
		}
	}
	s := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return ' '
		}
		return r
	}, strings.Join(lines, "; "))
	const most = 400
	if len(s) > most {
		cut := most
		for cut > 0 && s[cut]&0xc0 == 0x80 { // not inside a character
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
