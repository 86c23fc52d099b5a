package history

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strconv"
	"sync"

	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
)

// parsed is what one version of a deal file says.
type parsed struct {
	facts  Facts
	broken bool
}

// versions finds the facts of the versions offered to it while the log
// that names them is still being read. Each distinct blob is looked up
// once: in the cache, among the working files as committed (their facts
// are in Options.Current), or else read by one git cat-file --batch and
// parsed on every core.
type versions struct {
	g       git // with a context of its own, cancelled on failure
	cancel  context.CancelFunc
	opt     Options
	ids     chan *blob // offered, not looked up yet
	listed  chan struct{}
	current map[string]Facts // by blob id, once listed is closed
	wg      sync.WaitGroup

	mu    sync.Mutex
	found map[string]parsed
	err   error
}

// blob is a version to read and parse.
type blob struct {
	id, file string
	src      []byte
	skipped  bool // over the loader's limit, or not a blob
	absent   bool // not in the repository
}

// versions starts finding the facts of versions.
func (g git) versions(opt Options) *versions {
	ctx, cancel := context.WithCancel(g.ctx)
	v := &versions{
		g: git{ctx: ctx, dir: g.dir}, cancel: cancel, opt: opt,
		ids: make(chan *blob, 1<<14), listed: make(chan struct{}),
		found: make(map[string]parsed),
	}
	go func() {
		v.current = v.g.unmodified(opt)
		close(v.listed)
	}()
	v.wg.Add(1)
	go v.feed()
	return v
}

// offer asks for the facts of a blob, the content of file.
func (v *versions) offer(id, file string) { v.ids <- &blob{id: id, file: file} }

// wait returns the facts of the blobs offered, by blob id.
func (v *versions) wait() (map[string]parsed, error) {
	close(v.ids)
	v.wg.Wait()
	<-v.listed
	v.cancel()
	return v.found, v.err
}

// fail keeps the first error and stops cat-file.
func (v *versions) fail(err error) {
	if err == nil {
		return
	}
	v.mu.Lock()
	if v.err == nil {
		v.err = err
	}
	v.mu.Unlock()
	v.cancel()
}

func (v *versions) failed() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.err != nil
}

// set records the facts of a blob.
func (v *versions) set(id string, p parsed) {
	v.mu.Lock()
	v.found[id] = p
	v.mu.Unlock()
}

// feed looks up each offered blob and sends those it has to read to
// cat-file. It flushes what it wrote before it waits for the next
// offer, so that cat-file always has the blobs the reader waits for.
func (v *versions) feed() {
	defer v.wg.Done()
	var cat *catFile
	seen := make(map[string]bool)
	for {
		var b *blob
		var ok bool
		select {
		case b, ok = <-v.ids:
		default:
			cat.flush()
			b, ok = <-v.ids
		}
		if !ok {
			break
		}
		if seen[b.id] {
			continue
		}
		seen[b.id] = true
		if p, ok := v.opt.Cache.get(b.id); ok {
			v.set(b.id, p)
			continue
		}
		<-v.listed
		if f, ok := v.current[b.id]; ok {
			// Not cached: Current is true of this read only.
			v.set(b.id, parsed{facts: f})
			continue
		}
		if v.failed() {
			continue
		}
		if cat == nil {
			var err error
			if cat, err = v.startCat(); err != nil {
				v.fail(err)
				continue
			}
		}
		cat.send(b)
	}
	cat.close()
}

// catFile is a running git cat-file --batch: the blobs it was sent go to
// order, for the reader to match with its output.
type catFile struct {
	v      *versions
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	in     *bufio.Writer
	order  chan *blob
	stderr bytes.Buffer
}

func (v *versions) startCat() (*catFile, error) {
	c := &catFile{v: v, cmd: v.g.command("cat-file", "--batch"), order: make(chan *blob, 1<<12)}
	c.cmd.Stderr = &c.stderr
	var err error
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	c.in = bufio.NewWriterSize(c.stdin, 1<<14)
	v.wg.Add(1)
	go c.read(out)
	return c, nil
}

// send asks cat-file for a blob. The reader learns of it first; when it
// has too many to wait for, what was written is flushed.
func (c *catFile) send(b *blob) {
	select {
	case c.order <- b:
	default:
		c.flush()
		c.order <- b
	}
	c.in.WriteString(b.id)
	c.in.WriteByte('\n')
}

func (c *catFile) flush() {
	if c == nil {
		return
	}
	if err := c.in.Flush(); err != nil {
		c.v.fail(fmt.Errorf("git cat-file: %w", err))
	}
}

func (c *catFile) close() {
	if c == nil {
		return
	}
	c.flush()
	c.stdin.Close()
	close(c.order)
}

// read reads cat-file's output in the order the blobs were sent and has
// them parsed on every core.
func (c *catFile) read(out io.Reader) {
	v := c.v
	defer v.wg.Done()
	work := make(chan *blob, 256)
	var workers sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for b := range work {
				p := parse(b)
				b.src = nil
				v.set(b.id, p)
				if !b.absent { // a blob missing now may be fetched later
					v.opt.Cache.put(b.id, p)
				}
			}
		}()
	}
	r := bufio.NewReaderSize(out, 1<<16)
	limit := v.opt.Loader.Limit()
	var err error
	for b := range c.order {
		if err != nil {
			continue // after a failure, only let the feeder finish
		}
		if err = readBlob(r, b, limit); err != nil {
			v.fail(err)
			continue
		}
		work <- b
	}
	close(work)
	workers.Wait()
	if err := v.g.failed("cat-file", c.cmd.Wait(), c.stderr.Bytes()); err != nil && !v.failed() {
		v.fail(err)
	}
}

// readBlob reads one blob from cat-file --batch's output. Content over the
// limit is skipped, not kept.
func readBlob(r *bufio.Reader, b *blob, limit int64) error {
	header, err := r.ReadSlice('\n')
	if err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	f := bytes.Fields(header) // oid type size, or oid missing
	if len(f) == 2 && string(f[1]) == "missing" {
		b.absent = true
		return nil
	}
	if len(f) != 3 {
		return fmt.Errorf("git cat-file: unexpected %q", clean(header))
	}
	size, err := strconv.ParseInt(string(f[2]), 10, 64)
	if err != nil || size < 0 {
		return fmt.Errorf("git cat-file: unexpected %q", clean(header))
	}
	if size > limit || string(f[1]) != "blob" {
		b.skipped = true
		if _, err := io.CopyN(io.Discard, r, size+1); err != nil {
			return fmt.Errorf("git cat-file: %w", err)
		}
		return nil
	}
	b.src = make([]byte, size+1) // and the newline after it
	if _, err := io.ReadFull(r, b.src); err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	b.src = b.src[:size]
	return nil
}

// regular reports whether a git file mode is a regular file's.
func regular(mode string) bool { return mode == "100644" || mode == "100755" }

// unmodified returns the facts in opt.Current of the working files that
// are as git has them in the index, by their blob id: a committed version
// with that id is the file as it is, and need not be parsed again. It asks
// git (ls-files, which checks each file's stat against the index, and its
// content when the stat cannot tell) rather than reading every file: it
// is a few times faster. Files git is told to assume unchanged are not
// trusted. When git cannot tell, nothing is.
func (g git) unmodified(opt Options) map[string]Facts {
	if len(opt.Current) == 0 {
		return nil
	}
	// -c lists every file with its tag, mode, blob and stage, -m once more
	// each modified or deleted one, tagged C; -v tags a file assumed
	// unchanged in lower case.
	out, err := g.output(nil, "ls-files", "-z", "-v", "-c", "-m", "-s", "--", load.DealsDir)
	if err != nil {
		return nil
	}
	blobs := make(map[string]string)
	modified := make(map[string]bool)
	for rec := range bytes.SplitSeq(out, []byte{0}) {
		meta, path, ok := bytes.Cut(rec, []byte{'\t'})
		f := bytes.Fields(meta) // tag mode blob stage
		if !ok || len(f) != 4 {
			continue
		}
		switch string(f[0]) {
		case "H":
			if string(f[3]) == "0" && regular(string(f[1])) {
				blobs[string(path)] = string(f[2])
			}
		default:
			modified[string(path)] = true
		}
	}
	facts := make(map[string]Facts)
	for id, file := range opt.Files {
		b, ok := blobs[file]
		if f, known := opt.Current[id]; ok && known && !modified[file] {
			facts[b] = f
		}
	}
	return facts
}

// parse reads the facts of a version. A version is broken when it is over
// the size limit, is not a deal document at all (its YAML does not parse,
// it is empty, it has no field of a deal), or one of the fields its facts
// come from could not be read: its facts would say what the file does
// not.
func parse(b *blob) parsed {
	if b.skipped || b.absent {
		return parsed{broken: true}
	}
	d, diags := load.ParseDeal(b.file, load.DealID(b.file), b.src)
	p := parsed{facts: FactsOf(d)}
	p.broken = d.Broken["value"] || d.Broken["currency"] || d.Broken["expected_close"] || d.Broken["owner"] ||
		d.Broken["history"] && p.facts.Stage == ""
	if d.Pos == (model.DealPos{}) && len(diags) > 0 {
		p.broken = true
	}
	if p.broken {
		p.facts = Facts{}
	}
	return p
}
