// Package gitrev reads a pipeline repository as it was at a git revision,
// with the git command: one ls-tree to list the files and one cat-file
// --batch to read them all, fast for thousands of deals.
package gitrev

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
)

// Error is a revision that cannot be read, with what to do about it.
type Error struct {
	Msg, Hint string
}

func (e *Error) Error() string { return e.Msg }

// Files returns pipeline.yaml and the files under deals/ of the pipeline
// repository in dir as they were at rev, keyed by their slash path relative
// to dir. dir may be a folder inside the git repository.
func Files(dir, rev string) (map[string][]byte, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, &Error{Msg: "git is not installed", Hint: "--base reads the repository's history with git"}
	}
	prefix, err := git(dir, nil, "rev-parse", "--show-prefix")
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("%s is not in a git repository", dir), Hint: "--base compares with a git revision: run it in a clone of the pipeline repository"}
	}
	prefix = strings.TrimSpace(prefix)
	top, err := git(dir, nil, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, err
	}
	top = strings.TrimSpace(top)
	commit, err := git(top, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil || strings.TrimSpace(commit) == "" {
		hint := "fetch it first, e.g. git fetch origin main; in GitHub Actions check out with fetch-depth: 0"
		if shallow, _ := git(top, nil, "rev-parse", "--is-shallow-repository"); strings.TrimSpace(shallow) == "true" {
			hint = "this is a shallow clone: fetch the history, e.g. git fetch --unshallow origin, or check out with fetch-depth: 0"
		} else if _, err := git(top, nil, "rev-parse", "--verify", "--quiet", "HEAD"); err != nil {
			hint = "the repository has no commits yet: commit the pipeline first, then compare with that commit"
		}
		return nil, &Error{Msg: fmt.Sprintf("revision %q is not in this repository", rev), Hint: hint}
	}
	entries, err := list(top, prefix, strings.TrimSpace(commit))
	if err != nil {
		return nil, err
	}
	files := make(map[string][]byte, len(entries))
	if len(entries) == 0 {
		return files, nil
	}
	var in bytes.Buffer
	for _, e := range entries {
		in.WriteString(e.oid + "\n")
	}
	cmd := exec.Command("git", "-C", top, "cat-file", "--batch")
	cmd.Stdin = &in
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r := bufio.NewReaderSize(out, 1<<16)
	for _, e := range entries {
		header, err := r.ReadString('\n')
		if err != nil {
			cmd.Wait()
			return nil, fmt.Errorf("git cat-file: %v %s", err, stderr.String())
		}
		f := strings.Fields(header) // oid type size
		if len(f) != 3 {
			cmd.Wait()
			return nil, fmt.Errorf("git cat-file: unexpected %q", header)
		}
		size, err := strconv.Atoi(f[2])
		if err != nil {
			cmd.Wait()
			return nil, fmt.Errorf("git cat-file: unexpected %q", header)
		}
		content := make([]byte, size+1) // and the newline after it
		if _, err := io.ReadFull(r, content); err != nil {
			cmd.Wait()
			return nil, fmt.Errorf("git cat-file: %v", err)
		}
		files[e.path] = content[:size]
	}
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("git cat-file: %v %s", err, stderr.String())
	}
	return files, nil
}

// entry is a file of a commit: its slash path relative to the pipeline
// repository, and its object id.
type entry struct{ path, oid string }

// list lists pipeline.yaml and the files under deals/ of the pipeline
// repository at prefix (its path in the git work tree whose top is top)
// at a commit.
func list(top, prefix, commit string) ([]entry, error) {
	listing, err := git(top, nil, "ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix+"pipeline.yaml", prefix+"deals")
	if err != nil {
		return nil, err
	}
	var entries []entry
	for _, rec := range strings.Split(listing, "\x00") {
		meta, path, ok := strings.Cut(rec, "\t")
		if !ok {
			continue
		}
		f := strings.Fields(meta) // mode type object
		if len(f) != 3 || f[1] != "blob" {
			continue
		}
		entries = append(entries, entry{strings.TrimPrefix(path, prefix), f[2]})
	}
	return entries, nil
}

// HeadPaths returns the paths of pipeline.yaml and the files under deals/
// in the last commit (HEAD) of the git repository that holds the pipeline
// repository dir, relative to dir. It reports false when there is none to
// tell: git is missing, dir is not in a git work tree, or nothing is
// committed yet. Only names are read, which is fast.
func HeadPaths(dir string) ([]string, bool) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, false
	}
	out, err := git(dir, nil, "rev-parse", "--show-prefix", "--show-toplevel", "--verify", "--quiet", "HEAD^{commit}")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if err != nil || len(lines) != 3 {
		return nil, false
	}
	entries, err := list(lines[1], lines[0], lines[2])
	if err != nil {
		return nil, false
	}
	paths := make([]string, len(entries))
	for i, e := range entries {
		paths[i] = e.path
	}
	return paths, true
}

func git(dir string, stdin io.Reader, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Stdin = stdin
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return out.String(), fmt.Errorf("git %s: %s", args[0], strings.TrimSpace(stderr.String()))
		}
		return "", err
	}
	return out.String(), nil
}
