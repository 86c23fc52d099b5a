package history

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pipegen/pipegen/internal/load"
)

// commit is a commit of the first-parent line with the changes it made to
// files under deals/ (relative to the pipeline's folder), against its first
// parent.
type commit struct {
	Commit
	parent  string // the first parent, "" for a root commit
	changes []change
}

// change is one line of git log --raw: its status (A, M, T, D, R, or C
// should the user's configuration ask for copies), the new mode and blob,
// and the paths before and after (the same but for a rename or a copy).
type change struct {
	status   byte
	mode     string
	blob     string
	src, dst string
}

// oldGit is a git that does not know --diff-merges=first-parent.
type oldGit struct{ error }

// log lists the first-parent line of head, newest first, down to the
// commit since (not included; "" for the whole line), with the changes of
// each commit to the deals folder. --sparse keeps the commits that change
// nothing there, so that the review commit is the one the line has. seen
// is called with each change as it is read, so that its version can be
// read while git goes on.
func (g git) log(head, since string, seen func(change)) ([]commit, error) {
	args := []string{"-c", "log.showRoot=true", "log",
		"--first-parent", "--sparse", "--diff-merges=first-parent",
		"--raw", "-z", "-M", "--no-abbrev", "--relative", "--no-color", "--no-show-signature",
		"--format=%H %cI %P", head}
	if since != "" {
		args = append(args, "^"+since)
	}
	args = append(args, "--", load.DealsDir)
	cmd := g.command(args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git log: %w", err)
	}
	line, perr := parseLog(bufio.NewReaderSize(out, 1<<16), seen)
	if perr != nil {
		cmd.Process.Kill()
	}
	if err := g.failed("log", cmd.Wait(), stderr.Bytes()); err != nil && perr == nil {
		var ge *gitError
		if errors.As(err, &ge) && strings.Contains(ge.stderr, "diff-merges") {
			return nil, &oldGit{err}
		}
		return nil, err
	}
	if perr != nil {
		return nil, perr
	}
	if len(line) == 0 && since == "" {
		return nil, errors.New("git log: no commit on HEAD")
	}
	return line, nil
}

// parseLog reads the output of log. Paths are read by their place after
// the line they belong to, never recognised by their text: a file may be
// named like anything.
func parseLog(r *bufio.Reader, seen func(change)) ([]commit, error) {
	next := func() (string, bool, error) {
		b, err := r.ReadBytes(0)
		if err == io.EOF && len(b) == 0 {
			return "", false, nil
		}
		if err != nil && err != io.EOF {
			return "", false, fmt.Errorf("git log: %w", err)
		}
		return string(bytes.TrimSuffix(b, []byte{0})), true, nil
	}
	var line []commit
	for {
		tok, ok, err := next()
		if err != nil || !ok {
			return line, err
		}
		tok = strings.TrimPrefix(tok, "\n")
		if tok == "" {
			continue
		}
		if tok[0] != ':' {
			// hash date parents
			f := strings.Fields(tok)
			if len(f) < 2 {
				return nil, fmt.Errorf("git log: unexpected %q", clean([]byte(tok)))
			}
			when, err := time.Parse(time.RFC3339, f[1])
			if err != nil {
				return nil, fmt.Errorf("git log: unexpected %q", clean([]byte(tok)))
			}
			c := commit{Commit: Commit{Hash: f[0], When: when}}
			if len(f) > 2 {
				c.parent = f[2]
			}
			line = append(line, c)
			continue
		}
		// :old-mode new-mode old-blob new-blob status
		f := strings.Fields(tok[1:])
		if len(line) == 0 || len(f) != 5 || f[4] == "" {
			return nil, fmt.Errorf("git log: unexpected %q", clean([]byte(tok)))
		}
		c := change{status: f[4][0], mode: f[1], blob: f[3]}
		if c.src, ok, err = next(); !ok || err != nil {
			return nil, errors.Join(errors.New("git log: output ends in a change"), err)
		}
		c.dst = c.src
		if c.status == 'R' || c.status == 'C' {
			if c.dst, ok, err = next(); !ok || err != nil {
				return nil, errors.Join(errors.New("git log: output ends in a rename"), err)
			}
		}
		last := &line[len(line)-1]
		last.changes = append(last.changes, c)
		seen(c)
	}
}

// track is the past of one path: its versions and deletions, oldest first.
type track struct {
	events []event
}

// event is a version of a file (deleted false) or its deletion, at pos on
// the first-parent line counted from the oldest commit.
type event struct {
	pos     int
	deleted bool
	mode    string
	blob    string
}

// follow replays the line's changes from the oldest commit on, and
// returns the tracks of the deal files by their path at HEAD or at their
// deletion. A renamed file takes its track along; a rename that keeps the
// content adds no version.
func follow(line []commit) map[string]*track {
	tracks := make(map[string]*track)
	var moved []*track
	for i := len(line) - 1; i >= 0; i-- {
		pos := len(line) - 1 - i
		changes := line[i].changes
		// First take every renamed file's track off its old path, then
		// put them down: one commit may rename a to b and c to a.
		moved = moved[:0]
		for _, c := range changes {
			if c.status != 'R' {
				moved = append(moved, nil)
				continue
			}
			t := tracks[c.src]
			if isDeal(c.src) {
				delete(tracks, c.src)
			} else {
				t = nil
			}
			moved = append(moved, t)
		}
		for k, c := range changes {
			switch c.status {
			case 'A', 'M', 'T', 'C': // a copy is a new file
				if isDeal(c.dst) {
					add(tracks, c.dst, event{pos: pos, mode: c.mode, blob: c.blob})
				}
			case 'D':
				if t := tracks[c.src]; t != nil && isDeal(c.src) {
					t.events = append(t.events, event{pos: pos, deleted: true})
				}
			case 'R':
				t := moved[k]
				switch {
				case !isDeal(c.dst):
					if t != nil { // the file is no deal any more
						t.events = append(t.events, event{pos: pos, deleted: true})
						if tracks[c.src] == nil {
							tracks[c.src] = t
						}
					}
				case t == nil || len(t.events) == 0:
					add(tracks, c.dst, event{pos: pos, mode: c.mode, blob: c.blob})
				default:
					tracks[c.dst] = t
					if last := t.events[len(t.events)-1]; last.deleted || last.blob != c.blob || last.mode != c.mode {
						t.events = append(t.events, event{pos: pos, mode: c.mode, blob: c.blob})
					}
				}
			}
		}
	}
	return tracks
}

func add(tracks map[string]*track, path string, e event) {
	t := tracks[path]
	if t == nil {
		t = &track{}
		tracks[path] = t
	}
	t.events = append(t.events, e)
}

func isDeal(path string) bool { return load.Classify(path) == load.DealFile }
