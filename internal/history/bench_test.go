package history

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/pipegen/pipegen/internal/gen"
	"github.com/pipegen/pipegen/internal/load"
)

// BenchmarkRead reads the history of a generated pipeline with two years
// of commits (about 100 a week, some of them merges), as a build does:
// every working file as committed, nothing cached. "versions=2" is the
// same pipeline with at most two versions of each file: about as many
// file versions as deals, twice, the shape of the target (10,000 deals,
// 20,000 distinct versions). "cached" is the dev server's read after HEAD
// moved, with the cache of the read before; "disk" a build's with the disk
// cache a build before it wrote (HEAD where it was): the file loaded,
// nothing parsed.
// cpu-s/op is the processor time of the read, git's included, and
// git-cpu-s/op git's alone.
func BenchmarkRead(b *testing.B) {
	for _, n := range gen.BenchSizes(10000) {
		dir := gen.BenchHistoryRepo(b, n, 24, 0)
		opt := benchOptions(b, dir)
		cold := func(opt Options) func(b *testing.B) {
			return func(b *testing.B) {
				c0, g0 := cpu()
				for range b.N {
					h, err := Read(context.Background(), opt)
					if err != nil || !h.Usable || len(h.Deals) != n {
						b.Fatalf("Read = %d deals, usable %v (%s), %v", len(h.Deals), h.Usable, h.Why, err)
					}
				}
				c1, g1 := cpu()
				b.ReportMetric((c1-c0).Seconds()/float64(b.N), "cpu-s/op")
				b.ReportMetric((g1-g0).Seconds()/float64(b.N), "git-cpu-s/op")
			}
		}
		b.Run(fmt.Sprintf("deals=%d", n), cold(opt))
		b.Run(fmt.Sprintf("deals=%d/versions=2", n), cold(benchOptions(b, gen.BenchHistoryRepo(b, n, 24, 2))))
		b.Run(fmt.Sprintf("deals=%d/disk", n), func(b *testing.B) {
			opt := opt
			dir := b.TempDir()
			opt.Cache = OpenCache(dir)
			if _, err := Read(context.Background(), opt); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				opt.Cache = OpenCache(dir) // as a new process does
				if _, err := Read(context.Background(), opt); err != nil {
					b.Fatal(err)
				}
				if opt.Cache.parses != 0 {
					b.Fatalf("%d versions parsed with a warm disk cache", opt.Cache.parses)
				}
			}
		})
		b.Run(fmt.Sprintf("deals=%d/cached", n), func(b *testing.B) {
			opt := opt
			opt.Cache = &Cache{}
			if _, err := Read(context.Background(), opt); err != nil {
				b.Fatal(err)
			}
			line := opt.Cache.lines
			b.ResetTimer()
			for range b.N {
				// HEAD moved by a few commits since the last read.
				b.StopTimer()
				for dir, l := range line {
					opt.Cache.keepLine(dir, l[5:])
				}
				b.StartTimer()
				if _, err := Read(context.Background(), opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchOptions are the options a build passes for the repository in dir.
func benchOptions(tb testing.TB, dir string) Options {
	files, _, err := load.DealFiles(dir)
	if err != nil {
		tb.Fatal(err)
	}
	deals, _ := load.Loader{}.ReadDeals(dir, files)
	opt := Options{Dir: dir, Files: make(map[string]string, len(files)), Current: make(map[string]Facts, len(files)),
		Cutoff: EndOfDay(gen.BenchEnd.AddDays(-7), time.UTC)}
	for i, f := range files {
		opt.Files[load.DealID(f)] = f
		opt.Current[load.DealID(f)] = FactsOf(deals[i])
	}
	return opt
}

// cpu returns the processor time of the process and its finished
// children, and of the children alone.
func cpu() (all, git time.Duration) {
	var self, children syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	git = time.Duration(children.Utime.Nano() + children.Stime.Nano())
	return git + time.Duration(self.Utime.Nano()+self.Stime.Nano()), git
}
