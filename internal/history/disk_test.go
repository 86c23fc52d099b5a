package history

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pipegen/pipegen/internal/gen"
	"github.com/pipegen/pipegen/internal/model"
)

// genRepo is a generated pipeline repository with a few months of
// history, read with the review at its end.
func genRepo(t *testing.T) *repo {
	t.Helper()
	if testing.Short() {
		t.Skip("generates a repository")
	}
	r := newRepo(t, "")
	r.top = filepath.Join(t.TempDir(), "repo")
	r.dir = r.top
	end := date(t, "2026-06-30")
	if err := gen.WriteHistory(context.Background(), r.top, gen.HistoryOptions{Options: gen.Options{Seed: 11, Deals: 60, End: end, Months: 4}}); err != nil {
		t.Fatal(err)
	}
	return r
}

// readCache reads r's history at the cutoff with cache (nil for none),
// and returns it with the number of versions the read parsed.
func readCache(t *testing.T, r *repo, cutoff string, cache *Cache) (*History, int) {
	t.Helper()
	opt := r.options(cutoff)
	counted := cache
	if counted == nil {
		counted = &Cache{} // a cache of its own, to count the parses of a cold read
	}
	opt.Cache = counted
	before := counted.parses
	h, err := Read(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Usable {
		t.Fatalf("history not usable: %s", h.Why)
	}
	return h, counted.parses - before
}

// cacheFile is the one cache file in dir.
func cacheFile(t *testing.T, dir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.cache"))
	if len(files) != 1 {
		t.Fatalf("cache files in %s: %v, want one", dir, files)
	}
	return files[0]
}

// TestDiskCacheSameHistory reads a generated repository with a cache on
// disk, each time in a fresh Cache as a new process would: the history is
// the one a cold read gives, after new commits and after a rewrite, and
// the warm reads parse only what is new.
func TestDiskCacheSameHistory(t *testing.T) {
	t.Parallel()
	r := genRepo(t)
	dir := filepath.Join(t.TempDir(), "cache", "history")
	const cutoff = "2026-06-23"
	// The dev server keeps one cache for its whole run, and writes its
	// file after each read.
	serveDir := filepath.Join(t.TempDir(), "serve")
	serving := OpenCache(serveDir)
	check := func(what string, maxParses int) {
		t.Helper()
		want, cold := readCache(t, r, cutoff, nil)
		got, warm := readCache(t, r, cutoff, OpenCache(dir))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: with the disk cache:\n%s\ncold:\n%s", what, dump(got), dump(want))
		}
		if served, _ := readCache(t, r, cutoff, serving); !reflect.DeepEqual(served, want) {
			t.Fatalf("%s: with the server's cache:\n%s\ncold:\n%s", what, dump(served), dump(want))
		}
		if restarted, n := readCache(t, r, cutoff, OpenCache(serveDir)); n != 0 || !reflect.DeepEqual(restarted, want) {
			t.Fatalf("%s: after a restart of the server: %d versions parsed, the same history %v", what, n, reflect.DeepEqual(restarted, want))
		}
		if warm > maxParses {
			t.Errorf("%s: %d versions parsed with the disk cache (%d cold), want at most %d", what, warm, cold, maxParses)
		}
		t.Logf("%s: %d versions parsed cold, %d warm", what, cold, warm)
	}

	// The first read writes the file.
	_, cold := readCache(t, r, cutoff, nil)
	if cold < 100 {
		t.Fatalf("a cold read parsed %d versions: the repository is too small to tell", cold)
	}
	check("no file yet", cold)
	file := cacheFile(t, dir)
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("cache file: %v, %v; want mode 0600", info.Mode(), err)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("cache folder: %v, %v; want mode 0700", info.Mode(), err)
	}

	// A warm read parses nothing, and does not write the file again.
	before, _ := os.Stat(file)
	check("HEAD where it was", 0)
	if after, err := os.Stat(file); err != nil || !os.SameFile(before, after) {
		t.Errorf("the file was written again though nothing changed")
	}

	// New commits on top: only their versions (and the versions that were
	// the working files' at the last read, and are not any more) are parsed.
	for i, day := range []string{"2026-07-01", "2026-07-02", "2026-07-03"} {
		for k := range 4 {
			r.write(fmt.Sprintf("deals/new-%d-%d.yaml", i, k), deal(fmt.Sprint(1000+i*10+k), "2026-09-30", "lead"))
		}
		r.write(fmt.Sprintf("deals/new-0-%d.yaml", i), deal(fmt.Sprint(5000+i), "2026-10-31", "lead"))
		r.commit(day)
	}
	check("after three commits", 6)

	// A rewrite: back three commits, then elsewhere. The cached line is not
	// HEAD's any more, and is read again.
	r.git("reset", "-q", "--hard", "HEAD~3")
	check("after a reset", 0)
	for i, day := range []string{"2026-07-04", "2026-07-05"} {
		r.write(fmt.Sprintf("deals/other-%d.yaml", i), deal(fmt.Sprint(7000+i), "2026-11-30", "lead"))
		r.write("deals/new-0-0.yaml", deal(fmt.Sprint(8000+i), "2026-12-31", "lead"))
		r.commit(day)
	}
	check("after a reset and two commits", cold)
	// A reset to the commit the cache had before the reset: off HEAD's
	// line again.
	r.git("reset", "-q", "--hard", "HEAD~2")
	r.write("deals/new-0-0.yaml", deal("9000", "2027-01-31", "won"))
	r.commit("2026-07-06")
	check("after another rewrite", cold)

	// The file follows the line: its versions are those of HEAD's line.
	d, err := readDiskFile(file, keyOf(t, r), r.options(cutoff).Loader.Limit(), buildStamp())
	if err != nil {
		t.Fatal(err)
	}
	if head := r.git("rev-parse", "HEAD"); d.line[0].Hash != head {
		t.Errorf("the file's line starts at %s, HEAD is %s", d.line[0].Hash, head)
	}
}

// keyOf is what the disk cache names r's repository by.
func keyOf(t *testing.T, r *repo) string {
	t.Helper()
	out, err := git{ctx: context.Background(), dir: r.dir}.output(nil, "rev-parse", "--absolute-git-dir", "--show-prefix")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestDiskCacheIgnored spoils the cache file in every way a file may be
// spoilt: each time the read is cold, and right. Not parallel: it changes
// maxDiskFile.
func TestDiskCacheIgnored(t *testing.T) {
	r := genRepo(t)
	const cutoff = "2026-06-23"
	want, cold := readCache(t, r, cutoff, nil)
	dir := t.TempDir()
	readCache(t, r, cutoff, OpenCache(dir))
	file := cacheFile(t, dir)
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeDisk(good, keyOf(t, r), r.options(cutoff).Loader.Limit(), buildStamp()); err != nil {
		t.Fatalf("the file written does not read back: %v", err)
	}
	if _, warm := readCache(t, r, cutoff, OpenCache(dir)); warm != 0 {
		t.Fatalf("the good file: %d versions parsed, want none", warm)
	}
	// resum replaces the checksum, so that what is checked is what comes
	// before it.
	resum := func(b []byte) []byte {
		body := b[:len(b)-sha256.Size]
		sum := sha256.Sum256(body)
		return append(body[:len(body):len(body)], sum[:]...)
	}
	header := len(diskMagic)
	// withHeader rewrites the file's header with one field changed.
	withHeader := func(format uint64, shape, stamp string, limit uint64, key string) []byte {
		var e encoder
		e.b = append(e.b, diskMagic...)
		e.uvarint(format)
		e.str(shape)
		e.str(stamp)
		e.uvarint(limit)
		e.str(key)
		d := decoder{b: good[header:]}
		d.uvarint()
		d.str()
		d.str()
		d.uvarint()
		d.str()
		return resum(append(e.b, d.b...))
	}
	stamp, key := buildStamp(), keyOf(t, r)
	limit := uint64(r.options(cutoff).Loader.Limit())
	flipped := func(at int) []byte {
		b := append([]byte(nil), good...)
		b[at] ^= 0x5a
		return b
	}
	spoilt := map[string][]byte{
		"empty":                {},
		"garbage":              []byte("not a cache file at all\n"),
		"truncated":            good[:len(good)/2],
		"truncated and summed": resum(good[:len(good)-sha256.Size-1]),
		"last byte":            good[:len(good)-1],
		"a byte flipped":       flipped(len(good) - 100),
		"a header byte":        flipped(header + 1),
		"magic":                flipped(0),
		"another format":       withHeader(diskFormat+1, factsShape, stamp, limit, key),
		"another shape":        withHeader(diskFormat, factsShape+"Extra int;", stamp, limit, key),
		"another build":        withHeader(diskFormat, factsShape, stamp+"x", limit, key),
		"another limit":        withHeader(diskFormat, factsShape, stamp, limit+1, key),
		"another repository":   withHeader(diskFormat, factsShape, stamp, limit, key+"x"),
		"trailing bytes":       resum(append(append([]byte(nil), good[:len(good)-sha256.Size]...), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
	}
	for name, b := range spoilt {
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
		got, warm := readCache(t, r, cutoff, OpenCache(dir))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the history differs from a cold read", name)
		}
		if warm != cold {
			t.Errorf("%s: %d versions parsed, want %d: the file was not ignored", name, warm, cold)
		}
		// The read wrote a good file again.
		if again, err := os.ReadFile(file); err != nil || len(again) != len(good) {
			t.Errorf("%s: the file was not written again (%d bytes, %v)", name, len(again), err)
		}
	}

	// A file over the bound is not read.
	defer func(n int64) { maxDiskFile = n }(maxDiskFile)
	maxDiskFile = int64(len(good) - 1)
	os.WriteFile(file, good, 0o600)
	if got, warm := readCache(t, r, cutoff, OpenCache(dir)); warm != cold || !reflect.DeepEqual(got, want) {
		t.Errorf("a file over the bound: %d versions parsed, want %d", warm, cold)
	}
	if _, err := os.Stat(file); err == nil {
		t.Errorf("a file over the bound was written")
	}
	// A folder that cannot be written is no error.
	blocked := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocked, nil, 0o600)
	if got, _ := readCache(t, r, cutoff, OpenCache(filepath.Join(blocked, "history"))); !reflect.DeepEqual(got, want) {
		t.Errorf("with a cache folder that cannot be made: the history differs")
	}
}

// TestDiskRoundTrip encodes a line and facts, every field of Facts set,
// and decodes them as they were: dates in every kind of zone git's dates
// are parsed into, a root commit, a rename.
func TestDiskRoundTrip(t *testing.T) {
	parse := func(s string) time.Time {
		when, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return when
	}
	h := func(c byte) string { return strings.Repeat(string(c), 40) }
	line := []commit{
		{Commit: Commit{Hash: h('c'), When: parse("2026-03-02T10:00:00+02:00")}, parent: h('b'), changes: []change{
			{status: 'R', mode: "100644", blob: h('1'), src: "deals/a.yaml", dst: "deals/b.yaml"},
			{status: 'D', mode: "000000", blob: h('0'), src: "deals/c.yaml", dst: "deals/c.yaml"},
		}},
		{Commit: Commit{Hash: h('b'), When: parse("2026-03-01T10:00:00Z")}, parent: h('a')},
		{Commit: Commit{Hash: h('a'), When: parse("2026-02-28T10:00:00+00:00")}, changes: []change{
			{status: 'A', mode: "100755", blob: h('2'), src: "deals/é ü\n.yaml", dst: "deals/é ü\n.yaml"},
		}},
	}
	// Every field of Facts set, by reflection: a field added to Facts and
	// not to the file fails here.
	var full Facts
	v := reflect.ValueOf(&full).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString("s" + fmt.Sprint(i))
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int, reflect.Int32, reflect.Int64:
			f.SetInt(-int64(1000 + i))
		default:
			t.Fatalf("Facts.%s: a %s, which this test does not know", v.Type().Field(i).Name, f.Kind())
		}
	}
	versions := map[string]parsed{
		h('1'): {facts: full},
		h('2'): {broken: true},
		h('3'): {facts: Facts{Value: model.Money(1 << 60), ExpectedClose: model.Date(739000), Stage: "won"}},
	}
	data, err := encodeDisk("key", 1<<20, "stamp", line, versions)
	if err != nil {
		t.Fatal(err)
	}
	d, err := decodeDisk(data, "key", 1<<20, "stamp")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.line, line) {
		t.Errorf("line:\n%+v\nwant\n%+v", d.line, line)
	}
	if !reflect.DeepEqual(d.versions, versions) {
		t.Errorf("versions:\n%+v\nwant\n%+v", d.versions, versions)
	}
	// Object ids that would not read back the same are not written.
	bad := append([]commit(nil), line...)
	bad[1].Hash = strings.ToUpper(h('b'))
	if _, err := encodeDisk("key", 1<<20, "stamp", bad, versions); err == nil {
		t.Errorf("an upper-case object id was written")
	}
	// Every cut of the file is refused, without a panic.
	for n := range len(data) {
		if _, err := decodeDisk(data[:n], "key", 1<<20, "stamp"); err == nil {
			t.Fatalf("the file cut at %d of %d bytes was read", n, len(data))
		}
	}
	// Counts that the file cannot hold are refused before anything is
	// made of them.
	var e encoder
	e.b = append(e.b, diskMagic...)
	e.uvarint(diskFormat)
	e.str(factsShape)
	e.str("stamp")
	e.uvarint(1 << 20)
	e.str("key")
	e.uvarint(20)
	e.b = binary.AppendUvarint(e.b, 1<<62) // strings
	sum := sha256.Sum256(e.b)
	if _, err := decodeDisk(append(e.b, sum[:]...), "key", 1<<20, "stamp"); err == nil {
		t.Errorf("a file of 2^62 strings was read")
	}
}

// TestCacheDir checks where the disk cache goes, as the environment says.
func TestCacheDir(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	home := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "cache"))
	t.Setenv("HOME", home)
	if got, want := CacheDir(getenv), filepath.Join(home, "cache", "pipegen", "history"); got != want {
		t.Errorf("by default: %q, want %q", got, want)
	}
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "missing", "cache"))
	if got := CacheDir(getenv); got != "" {
		t.Errorf("in a folder whose parent is missing: %q, want none", got)
	}
	env[CacheDirEnv] = "/ci/cache"
	if got, want := CacheDir(getenv), filepath.FromSlash("/ci/cache/history"); got != want {
		t.Errorf("%s=/ci/cache: %q, want %q", CacheDirEnv, got, want)
	}
	env[CacheDirEnv] = "rel"
	wd, _ := os.Getwd()
	if got, want := CacheDir(getenv), filepath.Join(wd, "rel", "history"); got != want {
		t.Errorf("%s=rel: %q, want %q", CacheDirEnv, got, want)
	}
	for _, off := range []string{"off", "OFF", " off "} {
		env[CacheDirEnv] = off
		if got := CacheDir(getenv); got != "" {
			t.Errorf("%s=%q: %q, want none", CacheDirEnv, off, got)
		}
	}
	if c := OpenCache(""); c.disk != "" {
		t.Errorf("OpenCache(\"\") keeps files in %q", c.disk)
	}
}

// TestTrimDisk removes the files of repositories not read for long.
func TestTrimDisk(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-diskMaxAge - time.Hour)
	for _, name := range []string{"old.cache", "kept.cache", "left.cache.tmp1", "recent.cache", "other.txt"} {
		os.WriteFile(filepath.Join(dir, name), nil, 0o600)
		if name != "recent.cache" {
			os.Chtimes(filepath.Join(dir, name), old, old)
		}
	}
	trimDisk(dir, filepath.Join(dir, "kept.cache"))
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if want := []string{"kept.cache", "other.txt", "recent.cache"}; !reflect.DeepEqual(left, want) {
		t.Errorf("left %v, want %v", left, want)
	}
}
