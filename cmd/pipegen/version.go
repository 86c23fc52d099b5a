package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/pipegen/pipegen/internal/scaffold"
)

// version is the release this binary was built as, set at link time by
// release builds (.goreleaser.yaml): -ldflags "-X main.version=v1.2.0".
// It is empty in any other build.
var version = ""

var versionCommand = &command{
	name:    "version",
	summary: "print pipegen's version",
	help: `
Version prints the release of pipegen, or for a development build the commit
it was built from when that is known, and the Go it was built with:

	pipegen v1.2.0 go1.26.8
	pipegen development build (commit 0123456789ab, 2026-11-27, with uncommitted changes) go1.26.8`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		return func(_ context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return &usageError{msg: "version takes no arguments"}
			}
			fmt.Fprintf(e.stdout, "pipegen %s %s\n", thisBuild(), runtime.Version())
			return nil
		}
	},
}

// build says which pipegen a binary is: a release, or a development build
// and what is known of its source.
type build struct {
	release  string // the release tag, such as v1.2.0; empty for a development build
	module   string // a development build's module version (a pseudo-version), when known
	commit   string // a development build's git commit, when known
	date     string // the commit's date, YYYY-MM-DD
	modified bool   // built from a work tree with uncommitted changes
}

// thisBuild describes the running binary.
func thisBuild() build {
	info, _ := debug.ReadBuildInfo()
	return describeBuild(version, info)
}

// describeBuild tells which build stamped and info (either may be empty)
// describe. The version set at link time wins; then the module version,
// which go install of a release records; then the git information that go
// build records in a work tree.
func describeBuild(stamped string, info *debug.BuildInfo) build {
	if scaffold.IsRelease(stamped) {
		return build{release: stamped}
	}
	var b build
	if info != nil {
		v := info.Main.Version
		if scaffold.IsRelease(v) {
			return build{release: v}
		}
		if v != "" && v != "(devel)" {
			b.module = v
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				b.commit = s.Value
			case "vcs.time":
				b.date, _, _ = strings.Cut(s.Value, "T")
			case "vcs.modified":
				b.modified = s.Value == "true"
			}
		}
	}
	if stamped != "" && b.module == "" {
		b.module = stamped
	}
	return b
}

func (b build) String() string {
	if b.release != "" {
		return b.release
	}
	var about []string
	switch {
	case b.commit != "":
		about = append(about, "commit "+b.commit[:min(12, len(b.commit))])
		if b.date != "" {
			about = append(about, b.date)
		}
		if b.modified {
			about = append(about, "with uncommitted changes")
		}
	case b.module != "":
		about = append(about, b.module)
	default:
		about = append(about, "commit unknown")
	}
	return "development build (" + strings.Join(about, ", ") + ")"
}
