package history

// The disk cache: what a Cache holds of one repository, kept in a file so
// that the next process (the next build, a CI run with a restored cache,
// the dev server after a restart) starts warm.
//
// A Cache from OpenCache keeps one file per repository in its folder,
// named by a hash of the repository's absolute git directory and of the
// pipeline's folder within the work tree (git rev-parse --absolute-git-dir
// --show-prefix). Read loads it when the cache has nothing in memory for
// the folder, and writes it again after a read that learnt something.
// The file holds the first-parent line last read, newest first, with each
// commit's changes to the deals folder (a later read logs only the commits
// that are new since: on HEAD's line, or all of them when HEAD is
// elsewhere), and the facts of the versions on that line that were
// parsed, by blob id.
//
// The file is a cache and nothing more. A file of another format version,
// facts' shape, size limit or pipegen build (the facts depend on the
// parser that produced them), for another repository, over maxDiskFile,
// truncated, or whose checksum does not match is ignored: the read is then
// as cold as without a cache, never wrong and never failed. Failing to
// write it is not an error either.

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/pipegen/pipegen/internal/model"
)

// CacheDirEnv names the environment variable that sets the folder pipegen
// caches in: the history cache keeps its files in its history
// sub-folder. "off" keeps no cache on disk.
const CacheDirEnv = "PIPEGEN_CACHE_DIR"

// CacheDir returns the folder a disk cache keeps its files in, as the
// environment getenv reads says: $PIPEGEN_CACHE_DIR/history (made
// absolute), or pipegen/history in the user's cache folder
// (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache on Linux). It returns ""
// (no disk cache) for PIPEGEN_CACHE_DIR=off, and when the user's cache
// folder is unknown or its parent (the home folder) does not exist: a
// cache does not make a home folder.
func CacheDir(getenv func(string) string) string {
	switch v := getenv(CacheDirEnv); {
	case strings.EqualFold(strings.TrimSpace(v), "off"):
		return ""
	case v != "":
		abs, err := filepath.Abs(v)
		if err != nil {
			return ""
		}
		return filepath.Join(abs, "history")
	}
	user, err := os.UserCacheDir()
	if err != nil || !filepath.IsAbs(user) {
		return ""
	}
	if _, err := os.Stat(filepath.Dir(user)); err != nil {
		return ""
	}
	return filepath.Join(user, "pipegen", "history")
}

// OpenCache returns an empty cache that also keeps what it learns of each
// repository in a file in dir (see CacheDir), loaded by the first Read of
// the repository and written after each Read that learnt something. The
// folder is made (mode 0700) when a file is first written; the files are
// 0600. An empty dir is a cache in memory only, as the zero Cache.
func OpenCache(dir string) *Cache {
	if dir != "" {
		go buildStamp() // hashing the executable overlaps with what comes before the first read
	}
	return &Cache{disk: dir}
}

// diskFormat is the version of the file's layout: change it whenever the
// encoding changes. The facts' shape is in the file too (factsShape), so
// that a new field of Facts makes old files stale without a new version.
const diskFormat = 1

// diskMagic starts every cache file.
const diskMagic = "pipegen history cache\n"

// maxDiskFile bounds the size of a cache file, read or written. Ten
// thousand deals with two years of history take about 5 MB.
var maxDiskFile int64 = 64 << 20

// diskMaxAge is how long a cache file not written to is kept: files of
// repositories that are gone (temporary clones, moved folders) are
// removed when a cache file is written.
const diskMaxAge = 30 * 24 * time.Hour

// diskFile is the cache file of the repository of one pipeline folder.
type diskFile struct {
	c     *Cache
	dir   string // the absolute pipeline folder, the key of Cache.lines
	path  string
	key   string // what git rev-parse said of the repository
	limit int64  // the loader's size limit
	gen   int    // the cache's gen when the file was last loaded or written; -1 for never
}

// open finds the cache file of the repository g reads, and loads it when
// the cache has not loaded it yet and has no line of the folder in memory.
// It returns nil when the cache keeps nothing on disk or the repository's
// file cannot be named.
func (c *Cache) open(g git, opt Options) *diskFile {
	if c == nil || c.disk == "" {
		return nil
	}
	out, err := g.output(nil, "rev-parse", "--absolute-git-dir", "--show-prefix")
	if err != nil || len(out) == 0 {
		return nil
	}
	sum := sha256.Sum256(out)
	f := &diskFile{c: c, dir: lineKey(opt.Dir), key: string(out), limit: opt.Loader.Limit(), gen: -1,
		path: filepath.Join(c.disk, hex.EncodeToString(sum[:16])+".cache")}
	c.mu.Lock()
	gen, known := c.files[f.path]
	inMemory := c.lines[f.dir] != nil
	c.mu.Unlock()
	switch {
	case known:
		f.gen = gen
		return f
	case inMemory: // learnt before the file was opened: write it
		c.keepFile(f.path, -1)
		return f
	}
	var d *diskData
	if stamp := buildStamp(); stamp != "" {
		d, _ = readDiskFile(f.path, f.key, f.limit, stamp)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d != nil {
		if c.lines == nil {
			c.lines = make(map[string][]commit)
		}
		if c.lines[f.dir] == nil {
			c.lines[f.dir] = d.line
		}
		if c.versions == nil {
			c.versions = make(map[string]parsed, len(d.versions))
		}
		for b, p := range d.versions {
			if _, ok := c.versions[b]; !ok {
				c.versions[b] = p
			}
		}
	}
	if c.files == nil {
		c.files = make(map[string]int)
	}
	f.gen = c.gen
	c.files[f.path] = f.gen
	return f
}

// keepFile records the cache's gen when the file at path was loaded or
// written.
func (c *Cache) keepFile(path string, gen int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.files == nil {
		c.files = make(map[string]int)
	}
	c.files[path] = gen
}

// save writes the cache file again when the cache learnt something since
// it was loaded or last written: the line of the folder, and the facts of
// the versions on it that are in the cache. Versions no longer on the line
// (after a rewrite) are left out, so the file does not grow beyond the
// repository. A failure leaves the file as it was, or removes it.
func (f *diskFile) save() {
	if f == nil {
		return
	}
	c := f.c
	c.mu.Lock()
	gen, line := c.gen, c.lines[f.dir]
	if gen == f.gen || line == nil {
		c.mu.Unlock()
		return
	}
	versions := make(map[string]parsed)
	for i := range line {
		for _, ch := range line[i].changes {
			if p, ok := c.versions[ch.blob]; ok {
				versions[ch.blob] = p
			}
		}
	}
	c.mu.Unlock()
	stamp := buildStamp()
	if stamp == "" {
		return
	}
	data, err := encodeDisk(f.key, f.limit, stamp, line, versions)
	if err == nil && int64(len(data)) > maxDiskFile {
		err = errors.New("too large")
	}
	if err != nil {
		os.Remove(f.path) // an older file would be loaded and found stale again and again
		return
	}
	if err := writeFileAtomic(f.path, data); err != nil {
		return
	}
	f.gen = gen
	c.keepFile(f.path, gen)
	trimDisk(filepath.Dir(f.path), f.path)
}

// lineKey is the key of a folder's line in Cache.lines.
func lineKey(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	return abs
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder, renamed over it: a reader finds the old file or the new one,
// never half of one.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// trimDisk removes the cache files of dir (and temporary files left by a
// write that was cut short) not written to for diskMaxAge, but keep.
func trimDisk(dir, keep string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.Contains(name, ".cache") || filepath.Join(dir, name) == keep {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > diskMaxAge {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

// buildStamp names the pipegen build, whose parser made the facts in a
// cache file: its module version and build information when it is a
// released or clean build, else a hash of the executable. "" when neither
// can be had: no file is then read or written.
var buildStamp = sync.OnceValue(func() string {
	if info, ok := debug.ReadBuildInfo(); ok && cleanBuild(info) {
		sum := sha256.Sum256([]byte(info.String()))
		return "build " + hex.EncodeToString(sum[:])
	}
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	file, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer file.Close()
	h := sha256.New()
	if _, err := io.Copy(h, file); err != nil {
		return ""
	}
	return "executable " + hex.EncodeToString(h.Sum(nil))
})

// cleanBuild reports whether a build's information says which source it
// was built from: a module version, not a development build nor one of a
// modified work tree.
func cleanBuild(info *debug.BuildInfo) bool {
	v := info.Main.Version
	if v == "" || v == "(devel)" || strings.HasSuffix(v, "+dirty") {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.modified" && s.Value == "true" {
			return false
		}
	}
	return true
}

// factsShape describes the fields of Facts, so that a file written for
// other fields is not read.
var factsShape = func() string {
	var b strings.Builder
	t := reflect.TypeFor[Facts]()
	for i := range t.NumField() {
		f := t.Field(i)
		fmt.Fprintf(&b, "%s %s;", f.Name, f.Type)
	}
	return b.String()
}()

// The layout of a cache file, after diskMagic: numbers are varints
// (uvarints but for money and dates), strings a length and their bytes,
// object ids hashLen raw bytes.
//
//	format, facts' shape, build stamp, size limit, repository key
//	hashLen
//	strings: count, each string (paths, modes, owners, stages, currencies)
//	commits, newest first: count, each: id, has-parent flag, parent id if
//	    any, committer date (as git wrote it), changes: count, each:
//	    status byte, mode, blob id, source and destination paths (indexes
//	    into strings)
//	versions: count, each: blob id, flags (1 broken, 2 has value),
//	    value, expected close, owner, stage, currency
//	SHA-256 of everything before it
type diskData struct {
	line     []commit
	versions map[string]parsed
}

// encodeDisk returns the cache file of a line and the facts of its
// versions. Object ids that are not all the same length of hex digits
// are an error: the file is not written.
func encodeDisk(key string, limit int64, stamp string, line []commit, versions map[string]parsed) ([]byte, error) {
	if len(line) == 0 {
		return nil, errors.New("no line")
	}
	hashLen := len(line[0].Hash) / 2
	if hashLen == 0 {
		return nil, errors.New("no commit id")
	}
	var e encoder
	e.index = make(map[string]uint64)
	var body encoder
	id := func(s string) error {
		if len(s) != 2*hashLen {
			return fmt.Errorf("object id %q", s)
		}
		for i := range len(s) {
			if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
				return fmt.Errorf("object id %q", s) // would not read back the same
			}
		}
		var err error
		body.b, err = hex.AppendDecode(body.b, []byte(s))
		return err
	}
	str := func(s string) { body.uvarint(e.intern(s)) }
	body.uvarint(uint64(len(line)))
	for i := range line {
		c := &line[i]
		if err := id(c.Hash); err != nil {
			return nil, err
		}
		if c.parent == "" {
			body.b = append(body.b, 0)
		} else {
			body.b = append(body.b, 1)
			if err := id(c.parent); err != nil {
				return nil, err
			}
		}
		body.str(formatWhen(c.When))
		body.uvarint(uint64(len(c.changes)))
		for _, ch := range c.changes {
			body.b = append(body.b, ch.status)
			str(ch.mode)
			if err := id(ch.blob); err != nil {
				return nil, err
			}
			str(ch.src)
			str(ch.dst)
		}
	}
	body.uvarint(uint64(len(versions)))
	for blob, p := range versions {
		if err := id(blob); err != nil {
			return nil, err
		}
		var flags byte
		if p.broken {
			flags |= 1
		}
		if p.facts.HasValue {
			flags |= 2
		}
		body.b = append(body.b, flags)
		body.varint(int64(p.facts.Value))
		body.varint(int64(p.facts.ExpectedClose))
		str(p.facts.Owner)
		str(p.facts.Stage)
		str(p.facts.Currency)
	}

	var out encoder
	out.b = make([]byte, 0, len(body.b)+1024)
	out.b = append(out.b, diskMagic...)
	out.uvarint(diskFormat)
	out.str(factsShape)
	out.str(stamp)
	out.uvarint(uint64(limit))
	out.str(key)
	out.uvarint(uint64(hashLen))
	out.uvarint(uint64(len(e.strs)))
	for _, s := range e.strs {
		out.str(s)
	}
	out.b = append(out.b, body.b...)
	sum := sha256.Sum256(out.b)
	return append(out.b, sum[:]...), nil
}

// formatWhen writes a committer date so that time.Parse gives the very
// time parseLog had from git: a numeric offset, or Z for UTC itself.
func formatWhen(t time.Time) string {
	if t.Location() == time.UTC {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05-07:00")
}

// readDiskFile reads and checks the cache file at path; an error says it
// is not to be used.
func readDiskFile(path, key string, limit int64, stamp string) (*diskData, error) {
	// Not a link, a pipe (opening it would wait for a writer) nor a device.
	if info, err := os.Lstat(path); err != nil || !info.Mode().IsRegular() {
		return nil, errors.New("not a cache file")
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	if info, err := file.Stat(); err != nil || !info.Mode().IsRegular() || info.Size() > maxDiskFile {
		return nil, errors.New("not a cache file")
	}
	data, err := io.ReadAll(io.LimitReader(file, maxDiskFile+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > maxDiskFile {
		return nil, errors.New("too large")
	}
	return decodeDisk(data, key, limit, stamp)
}

// decodeDisk reads a cache file written by encodeDisk for the repository
// key, the size limit and the build stamp.
func decodeDisk(data []byte, key string, limit int64, stamp string) (*diskData, error) {
	bad := errors.New("not a cache file of this format")
	if len(data) < len(diskMagic)+sha256.Size || string(data[:len(diskMagic)]) != diskMagic {
		return nil, bad
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if s := sha256.Sum256(body); !bytes.Equal(s[:], sum) {
		return nil, errors.New("checksum mismatch")
	}
	d := decoder{b: body[len(diskMagic):]}
	if d.uvarint() != diskFormat || d.str() != factsShape || d.str() != stamp || d.uvarint() != uint64(limit) || d.str() != key {
		return nil, bad
	}
	hashLen := int(d.count(1))
	if hashLen == 0 || hashLen > 64 {
		return nil, bad
	}
	strs := make([]string, d.count(1))
	for i := range strs {
		strs[i] = d.str()
	}
	str := func() string {
		i := d.uvarint()
		if i >= uint64(len(strs)) {
			d.fail()
			return ""
		}
		return strs[i]
	}
	id := func() string { return hex.EncodeToString(d.bytes(hashLen)) }
	line := make([]commit, d.count(hashLen+3))
	for i := range line {
		c := &line[i]
		c.Hash = id()
		if flag := d.bytes(1); len(flag) == 1 && flag[0] == 1 {
			c.parent = id()
		} else if len(flag) == 1 && flag[0] != 0 {
			d.fail()
		}
		when, err := time.Parse(time.RFC3339, d.str())
		if err != nil {
			d.fail()
		}
		c.When = when
		if n := d.count(hashLen + 4); n > 0 {
			c.changes = make([]change, n)
			for k := range c.changes {
				ch := &c.changes[k]
				if s := d.bytes(1); len(s) == 1 {
					ch.status = s[0]
				}
				ch.mode = str()
				ch.blob = id()
				ch.src = str()
				ch.dst = str()
			}
		}
		if d.err != nil {
			return nil, d.err
		}
	}
	if len(line) == 0 {
		return nil, bad
	}
	n := d.count(hashLen + 5)
	versions := make(map[string]parsed, n)
	for range n {
		blob := id()
		var p parsed
		flags := d.bytes(1)
		if len(flags) == 1 {
			p.broken = flags[0]&1 != 0
			p.facts.HasValue = flags[0]&2 != 0
		}
		p.facts.Value = model.Money(d.varint())
		close := d.varint()
		if close != int64(model.Date(close)) {
			d.fail()
		}
		p.facts.ExpectedClose = model.Date(close)
		p.facts.Owner = str()
		p.facts.Stage = str()
		p.facts.Currency = str()
		versions[blob] = p
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, bad
	}
	return &diskData{line: line, versions: versions}, nil
}

// encoder appends the pieces of a cache file, and keeps its string table.
type encoder struct {
	b     []byte
	index map[string]uint64
	strs  []string
}

func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }

func (e *encoder) intern(s string) uint64 {
	i, ok := e.index[s]
	if !ok {
		i = uint64(len(e.strs))
		e.index[s] = i
		e.strs = append(e.strs, s)
	}
	return i
}

// decoder reads the pieces of a cache file; after the first failure, it
// reads zeros and keeps the error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errors.New("cache file ends early or is corrupt")
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes(n int) []byte {
	if n < 0 || n > len(d.b) {
		d.fail()
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}

func (d *decoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	return string(d.bytes(int(n)))
}

// count reads the number of items that follow, each at least min bytes
// long: a number the rest of the file cannot hold is a corrupt file, not
// a large allocation.
func (d *decoder) count(min int) int {
	n := d.uvarint()
	if n > uint64(len(d.b)/max(min, 1)) {
		d.fail()
		return 0
	}
	return int(n)
}
