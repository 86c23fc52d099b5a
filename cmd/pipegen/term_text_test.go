package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// User text never reaches the terminal raw: pipeline, stage and owner
// names, sources, reasons and file names holding escape sequences,
// carriage returns, newlines or bidirectional overrides are printed with
// those characters replaced, by check (text and github), metrics and diff.
// metrics used to print them raw, check raw file names, diff raw ids.
func TestControlCharactersNeverReachTheTerminal(t *testing.T) {
	dir := t.TempDir()
	const esc = "\x1b[2J\x1b]0;owned\x07"
	write := func(name, content string) { writeFile(t, filepath.Join(dir, name), []byte(content)) }
	write("pipeline.yaml", "name: \"Evil"+`\e[31m`+"\"\ncurrency: USD\nas_of: 2026-11-27\nstages:\n"+
		"  - {id: lead, name: \"Lead"+`\e[2J`+"\", probability: 0.1}\n  - {id: won, type: won}\n  - {id: lost, type: lost}\n")
	deal := func(owner, extra string) string {
		return "title: T\nowner: \"" + owner + "\"\nsource: \"web" + `\r\u202e` + "\"\nvalue: 10\nhistory:\n  - {stage: lead, date: 2026-11-02}\n" + extra
	}
	write("deals/a.yaml", deal(`ann\e[31m`, ""))
	write("deals/b"+esc+"x.yaml", deal("bob", ""))
	if _, err := exec.LookPath("git"); err == nil {
		for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "."}, {"-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "base"}} {
			if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
	}
	write("deals/a.yaml", deal(`ann\e[31m`, "  - {stage: lost, date: 2026-11-20, reason: \"late"+`\e[1A`+"\"}\n"))

	outputs := map[string]string{}
	runAll := func(name string, args ...string) {
		var stdout, stderr bytes.Buffer
		run(context.Background(), append(args, "--dir", dir), &stdout, &stderr)
		outputs[name] = stdout.String() + stderr.String()
	}
	runAll("metrics", "metrics")
	runAll("check", "check")
	if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
		runAll("diff", "diff", "--base", "main")
	}
	write("deals/c"+esc+".yaml", "title: [\n")
	runAll("broken check", "check")
	runAll("check github", "check", "--format", "github")
	for name, out := range outputs {
		if strings.ContainsAny(out, "\x1b\r\x07\u202e") {
			t.Errorf("%s prints a control character:\n%q", name, out)
		}
	}
	for name, want := range map[string]string{"metrics": "Evil\uFFFD[31m", "broken check": "deals/c\uFFFD[2J", "check github": "file=deals/c\uFFFD[2J", "diff": "reason late\uFFFD[1A"} {
		if _, ran := outputs[name]; ran && !strings.Contains(outputs[name], want) {
			t.Errorf("%s lacks %q:\n%s", name, want, outputs[name])
		}
	}
}
