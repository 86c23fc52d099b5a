package history

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/pipegen/pipegen/internal/model"
)

// Read reads the history of the deals of opt.Files from git. A repository
// without a usable history (no git, no repository, no commit, a shallow
// clone, no commit by the cutoff) is not an error: the History says why
// and how to mend it. The error is for git failing in a way it should not.
//
// Read runs a few git commands whatever the number of deals: rev-parse;
// one git log of the deals folder along HEAD's first-parent line;
// ls-files, to know which working files are as committed; and one
// cat-file, which reads the versions to parse while the log goes on. With
// a Cache, a read after HEAD moved logs only the new commits; with one
// from OpenCache, a rev-parse names its file.
func Read(ctx context.Context, opt Options) (*History, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return unusable("git is not installed", "install git: the movement since the last review is read from the repository's history"), nil
	}
	g := git{ctx: ctx, dir: opt.Dir}
	head, h, err := g.check()
	if h != nil || err != nil {
		return h, err
	}
	if f := opt.Cache.open(g, opt); f != nil {
		defer func() {
			if ctx.Err() == nil {
				f.save()
			}
		}()
	}
	line, found, err := g.line(opt, head)
	if err != nil {
		var old *oldGit
		if errors.As(err, &old) {
			return unusable("git is older than 2.31", "update git to 2.31 or later to see what moved since the last review"), nil
		}
		return nil, err
	}
	review := -1 // in line, newest first
	for i, c := range line {
		if !c.When.After(opt.Cutoff) {
			review = i
			break
		}
	}
	if review < 0 {
		return unusable(fmt.Sprintf("no commit is dated on or before %s, the last review", opt.Cutoff.Format("2 January 2006")),
			"the movement appears once the history reaches back to the last review"), nil
	}
	h = &History{Usable: true, Head: line[0].Commit, Review: line[review].Commit, Deals: make(map[string]*Deal)}
	tracks := follow(line)
	reviewPos := len(line) - 1 - review
	// Each version's facts are filled in below, from its blob.
	type ref struct {
		v          *Version
		mode, blob string
		file       string
	}
	var refs []ref
	for id, file := range opt.Files {
		t := tracks[file]
		if t == nil {
			continue
		}
		d := &Deal{AtReview: -1, Versions: make([]Version, 0, len(t.events))}
		for _, e := range t.events {
			if e.deleted {
				if e.pos <= reviewPos {
					d.AtReview = -1
				}
				continue
			}
			if e.pos <= reviewPos {
				d.AtReview = len(d.Versions)
			}
			d.Versions = append(d.Versions, Version{Commit: line[len(line)-1-e.pos].Commit})
			refs = append(refs, ref{&d.Versions[len(d.Versions)-1], e.mode, e.blob, file}) // no reallocation: the capacity is enough
		}
		if len(d.Versions) > 0 {
			h.Deals[id] = d
		}
	}
	// The versions of a line taken from the cache are in the cache, but
	// for those that were the working files' then: they are found again.
	var rest *versions
	for _, r := range refs {
		if _, ok := found[r.blob]; ok || !regular(r.mode) {
			continue
		}
		if p, ok := opt.Cache.get(r.blob); ok {
			found[r.blob] = p
			continue
		}
		if rest == nil {
			rest = g.versions(opt)
		}
		rest.offer(r.blob, r.file)
	}
	if rest != nil {
		more, err := rest.wait()
		if err != nil {
			return nil, err
		}
		for b, p := range more {
			found[b] = p
		}
	}
	for _, r := range refs {
		p, ok := found[r.blob]
		if !ok || !regular(r.mode) {
			p = parsed{broken: true}
		}
		r.v.Facts, r.v.Broken = p.facts, p.broken
	}
	return h, nil
}

// line returns HEAD's first-parent line, newest first, and the facts of
// the versions it changed, found while it was read. With a cache that
// holds the line of an earlier HEAD on it, only the newer commits are
// read.
//
// Every version of a deal file is offered as the log names it, whether
// or not its deal is still in the working tree: the versions of a deal
// deleted since are parsed too, and are few.
func (g git) line(opt Options, head string) ([]commit, map[string]parsed, error) {
	key := lineKey(opt.Dir)
	wanted := func(c change) bool { return c.status != 'D' && regular(c.mode) && isDeal(c.dst) }
	if old := opt.Cache.line(key); old != nil {
		if old[0].Hash == head {
			return old, map[string]parsed{}, nil
		}
		var changes []change
		newer, err := g.log(head, old[0].Hash, func(c change) {
			if wanted(c) {
				changes = append(changes, c)
			}
		})
		if err == nil && len(newer) > 0 && newer[len(newer)-1].parent == old[0].Hash {
			v := g.versions(opt)
			for _, c := range changes {
				v.offer(c.blob, c.dst)
			}
			found, err := v.wait()
			if err != nil {
				return nil, nil, err
			}
			line := append(newer, old...)
			opt.Cache.keepLine(key, line)
			return line, found, nil
		}
		// HEAD went elsewhere (a reset, a rebase): read it all.
	}
	v := g.versions(opt)
	line, err := g.log(head, "", func(c change) {
		if wanted(c) {
			v.offer(c.blob, c.dst)
		}
	})
	found, verr := v.wait()
	if err != nil {
		return nil, nil, err
	}
	if verr != nil {
		return nil, nil, verr
	}
	opt.Cache.keepLine(key, line)
	return line, found, nil
}

// unusable is a History without a usable past.
func unusable(why, fix string) *History {
	return &History{Why: why, Fix: fix}
}

// EndOfDay returns the last instant of a calendar day in a time zone (UTC
// when zone is nil): the cutoff of a review on the day before the window.
func EndOfDay(d model.Date, zone *time.Location) time.Time {
	if zone == nil {
		zone = time.UTC
	}
	y, m, day := d.YMD()
	return time.Date(y, time.Month(m), day+1, 0, 0, 0, 0, zone).Add(-time.Nanosecond)
}

// check says whether dir is in a git work tree with a full history and a
// commit, and returns HEAD's commit when it is.
func (g git) check() (head string, h *History, err error) {
	out, err := g.output(nil, "rev-parse", "--is-inside-work-tree", "--is-shallow-repository", "--verify", "--quiet", "HEAD^{commit}")
	lines := strings.Fields(string(out))
	var ge *gitError
	if err != nil && !(errors.As(err, &ge) && ge.code == 1 && len(lines) == 2) {
		switch {
		case ge == nil:
			return "", nil, err
		case strings.Contains(ge.stderr, "not a git repository"):
			return "", unusable("the pipeline is not in a git repository",
				"keep the pipeline in git and commit it: the movement since the last review is read from its history"), nil
		case strings.Contains(ge.stderr, "dubious ownership"):
			return "", unusable("git refuses to read the repository: it belongs to another user",
				"mark it as safe: git config --global --add safe.directory <the repository's folder>"), nil
		}
		return "", nil, err
	}
	switch {
	case len(lines) < 2:
		return "", nil, fmt.Errorf("git rev-parse: unexpected output %q", clean(out))
	case lines[0] != "true":
		return "", unusable("the pipeline is not in a git work tree",
			"build from a clone of the pipeline repository: the movement since the last review is read from its history"), nil
	case lines[1] == "true":
		return "", unusable("the repository is a shallow clone",
			"fetch the whole history: git fetch --unshallow, or fetch-depth: 0 in actions/checkout"), nil
	case err != nil || len(lines) < 3:
		return "", unusable("the repository has no commit yet",
			"commit the pipeline: the movement since the last review is read from the history"), nil
	}
	return lines[2], nil, nil
}
