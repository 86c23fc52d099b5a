// Package load reads a pipeline repository — pipeline.yaml and every deal
// under deals/ — into the model, keeping the position of every value and
// turning every problem it meets into a diagnostic. It never prints and never
// stops at the first problem.
package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/parallel"
)

// Names of the files and folders of a pipeline repository.
const (
	PipelineFile = "pipeline.yaml"
	DealsDir     = "deals"
	dealExt      = ".yaml"
)

// DefaultMaxFileSize is the largest pipeline or deal file that is read
// unless a Loader says otherwise; a bigger one is almost surely a mistake,
// and reading it could exhaust memory.
const DefaultMaxFileSize = 1 << 20

// Loader reads pipeline repositories with its limits. The zero Loader has
// the default limits.
type Loader struct {
	// MaxFileSize is the largest file, in bytes, that is read; 0 means
	// DefaultMaxFileSize.
	MaxFileSize int64
}

// Limit returns the largest file, in bytes, that the loader reads.
func (l Loader) Limit() int64 {
	if l.MaxFileSize > 0 {
		return l.MaxFileSize
	}
	return DefaultMaxFileSize
}

// Load reads the pipeline repository in dir with the default limits.
func Load(dir string) (*model.Repo, []diag.Diagnostic, error) { return Loader{}.Load(dir) }

// ReadPipeline reads dir/pipeline.yaml with the default limits.
func ReadPipeline(dir string) (*model.Pipeline, []diag.Diagnostic) {
	return Loader{}.ReadPipeline(dir)
}

// FromFiles parses a repository given as file contents with the default
// limits.
func FromFiles(files map[string][]byte) (*model.Repo, []diag.Diagnostic) {
	return Loader{}.FromFiles(files)
}

// Load reads the pipeline repository in dir. Problems in the files are
// returned as diagnostics; the error is for a repository that cannot be read
// at all (dir does not exist, a permission problem on dir itself).
func (l Loader) Load(dir string) (*model.Repo, []diag.Diagnostic, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, nil, err
	}
	if !info.IsDir() {
		return nil, nil, fmt.Errorf("%s is not a directory", dir)
	}
	repo := &model.Repo{}
	var diags []diag.Diagnostic

	p, pd := l.ReadPipeline(dir)
	repo.Pipeline = p
	diags = append(diags, pd...)

	files, fd, err := DealFiles(dir)
	if err != nil {
		return nil, nil, err
	}
	diags = append(diags, fd...)
	deals, dd := l.ReadDeals(dir, files)
	repo.Deals = deals
	for _, d := range dd {
		diags = append(diags, d...)
	}
	diag.Sort(diags)
	return repo, diags, nil
}

// ReadPipeline reads and parses dir/pipeline.yaml. A missing or unreadable
// file gives an empty pipeline and a diagnostic.
func (l Loader) ReadPipeline(dir string) (*model.Pipeline, []diag.Diagnostic) {
	src, d := l.readFile(dir, PipelineFile)
	if d != nil {
		if errors.Is(d.err, fs.ErrNotExist) {
			d.Code, d.Message = "missing-file", "pipeline.yaml not found"
			d.Hint = "run pipegen in the folder that holds pipeline.yaml or in one inside it, or pass --dir with that folder; pipegen init starts a new repository"
		}
		return &model.Pipeline{File: PipelineFile}, []diag.Diagnostic{d.Diagnostic}
	}
	return ParsePipeline(PipelineFile, src)
}

// ReadDeal reads and parses one deal file (rel is its slash path in dir).
// An unreadable file gives an empty deal and a diagnostic.
func (l Loader) ReadDeal(dir, rel string) (*model.Deal, []diag.Diagnostic) {
	src, problem := l.readFile(dir, rel)
	if problem != nil {
		return &model.Deal{ID: DealID(rel), File: rel}, []diag.Diagnostic{problem.Diagnostic}
	}
	return ParseDeal(rel, DealID(rel), src)
}

// ReadForEdit reads a deal file that new or move is about to write, by the
// rules check reads files by — a regular file within the size limit — and,
// since the file will be written, every folder on the way from dir must be
// a real folder, never a link that leads outside the repository. A missing
// file is a problem with fs.ErrNotExist behind it (errors.Is(err, ...)).
func (l Loader) ReadForEdit(dir, rel string) ([]byte, *diag.Diagnostic, error) {
	if problem := Folders(dir, rel); problem != nil {
		return nil, problem, nil
	}
	src, problem := l.readFile(dir, rel)
	if problem != nil {
		return nil, &problem.Diagnostic, problem.err
	}
	return src, nil, nil
}

// Folders checks the folders on the way from dir to the file at rel (a
// slash path): each that exists must be a folder, not a symbolic link. A
// folder that does not exist yet is fine: it will be made.
func Folders(dir, rel string) *diag.Diagnostic {
	parts := strings.Split(rel, "/")
	at := dir
	for i, part := range parts[:len(parts)-1] {
		at = filepath.Join(at, part)
		info, err := os.Lstat(at)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		folder := strings.Join(parts[:i+1], "/")
		d := &diag.Diagnostic{File: rel, Severity: diag.Error, Code: "not-regular"}
		switch {
		case err != nil:
			d.Code, d.Message, d.Hint = "unreadable", fmt.Sprintf("cannot read %s: %v", folder, unwrapPath(err)), "check the folder's permissions"
		case info.Mode()&fs.ModeSymlink != 0:
			d.Message, d.Hint = folder+" is a symbolic link, which pipegen does not follow", "keep deals as regular files and folders inside the repository"
		case !info.IsDir():
			d.Message, d.Hint = folder+" is not a folder", "deals live in folders under deals/"
		default:
			continue
		}
		return d
	}
	return nil
}

// fileProblem is a diagnostic about a whole file, with the error behind it.
type fileProblem struct {
	diag.Diagnostic
	err error
}

// readFile reads a repository file (rel uses forward slashes), refusing
// anything that is not a regular file or is too large.
func (l Loader) readFile(dir, rel string) ([]byte, *fileProblem) {
	problem := func(code, msg, hint string, err error) *fileProblem {
		return &fileProblem{diag.Diagnostic{File: rel, Severity: diag.Error, Code: code, Message: msg, Hint: hint}, err}
	}
	full := filepath.Join(dir, filepath.FromSlash(rel))
	info, err := os.Lstat(full)
	if err != nil {
		return nil, problem("unreadable", fmt.Sprintf("cannot read %s: %v", rel, unwrapPath(err)), "check the file's permissions", err)
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return nil, problem("not-regular", rel+" is a symbolic link", "pipegen reads only regular files: replace the link with the file itself", nil)
	}
	if !info.Mode().IsRegular() {
		return nil, problem("not-regular", rel+" is not a regular file", "pipegen reads only regular files", nil)
	}
	limit := l.Limit()
	if info.Size() > limit {
		return nil, &fileProblem{tooLarge(rel, info.Size(), limit), nil}
	}
	f, err := os.Open(full)
	if err != nil {
		return nil, problem("unreadable", fmt.Sprintf("cannot read %s: %v", rel, unwrapPath(err)), "check the file's permissions", err)
	}
	defer f.Close()
	// One allocation of the size Lstat gave, with room to notice growth.
	var buf bytes.Buffer
	buf.Grow(int(info.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, problem("unreadable", fmt.Sprintf("cannot read %s: %v", rel, unwrapPath(err)), "check the file's permissions", err)
	}
	src := buf.Bytes()
	if int64(len(src)) > limit { // it grew after Lstat
		return nil, &fileProblem{tooLarge(rel, -1, limit), nil}
	}
	return src, nil
}

// tooLarge is the diagnostic of a file over the size limit; size < 0 when
// the exact size is unknown.
func tooLarge(rel string, size, limit int64) diag.Diagnostic {
	msg := fmt.Sprintf("%s is more than the limit of %d bytes", rel, limit)
	if size >= 0 {
		msg = fmt.Sprintf("%s is %d bytes, more than the limit of %d", rel, size, limit)
	}
	return diag.Diagnostic{File: rel, Severity: diag.Error, Code: "file-too-large", Message: msg,
		Hint: "a deal or pipeline file is a few kilobytes: move long notes to a document and link to it " +
			"(the limit is set with PIPEGEN_MAX_FILE_SIZE)"}
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// DealFiles lists the deal files under dir/deals, as slash paths relative to
// dir, sorted. Hidden files and folders are skipped; a file that looks like a
// deal but has another extension is reported, so that no deal is silently
// left out.
func DealFiles(dir string) ([]string, []diag.Diagnostic, error) {
	root := filepath.Join(dir, DealsDir)
	var files []string
	var diags []diag.Diagnostic
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipDir
			}
			diags = append(diags, diag.Diagnostic{File: rel, Severity: diag.Error, Code: "unreadable",
				Message: fmt.Sprintf("cannot read %s: %v", rel, unwrapPath(err)), Hint: "check the permissions"})
			if e != nil && e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			if p != root && hidden(e.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if e.Type()&fs.ModeSymlink != 0 && isDir(p) {
			// A linked folder would be skipped without a word: say so.
			diags = append(diags, diag.Diagnostic{File: rel, Severity: diag.Error, Code: "not-regular",
				Message: rel + " is a symbolic link, which pipegen does not follow",
				Hint:    "keep deals as regular files and folders inside the repository"})
			return nil
		}
		switch Classify(rel) {
		case DealFile:
			files = append(files, rel)
		case WrongExtension:
			ext := path.Ext(rel)
			diags = append(diags, diag.Diagnostic{File: rel, Severity: diag.Error, Code: "wrong-extension",
				Message: fmt.Sprintf("%s is not read: deal files end in .yaml", rel),
				Hint:    fmt.Sprintf("rename it to %s", strings.TrimSuffix(rel, ext)+dealExt)})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(files)
	return files, diags, nil
}

// FileKind is what pipegen makes of a file in the repository.
type FileKind int

const (
	NotRead        FileKind = iota // not a deal: outside deals/, hidden, or another kind of file
	DealFile                       // a deal, read and checked
	WrongExtension                 // named like a deal but not read: reported
)

// Classify says what a file is (rel is its slash path in the repository):
// the one rule for which files are deals, used for folders on disk, for the
// files of a git revision and for the preview's file events alike.
func Classify(rel string) FileKind {
	under, ok := strings.CutPrefix(rel, DealsDir+"/")
	if !ok || Hidden(rel) {
		return NotRead
	}
	switch ext := path.Ext(under); {
	case ext == dealExt:
		return DealFile
	case strings.EqualFold(ext, ".yml") || strings.EqualFold(ext, dealExt):
		return WrongExtension
	}
	return NotRead
}

// Hidden reports whether a path under deals/ is hidden, or inside a hidden
// folder: a name that starts with a dot (.git, editors' swap files) is
// never read.
func Hidden(rel string) bool {
	under, _ := strings.CutPrefix(rel, DealsDir+"/")
	for part := range strings.SplitSeq(under, "/") {
		if part == "" || hidden(part) {
			return true
		}
	}
	return false
}

func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// DealID returns the id of the deal in a file: its path under deals/ without
// the extension.
func DealID(rel string) string {
	return strings.TrimSuffix(strings.TrimPrefix(rel, DealsDir+"/"), dealExt)
}

// ReadDeals reads and parses deal files on every core. The results keep the
// order of files: deals[i] and diags[i] are those of files[i].
func (l Loader) ReadDeals(dir string, files []string) ([]*model.Deal, [][]diag.Diagnostic) {
	deals := make([]*model.Deal, len(files))
	diags := make([][]diag.Diagnostic, len(files))
	parallel.Each(len(files), func(k int) error {
		deals[k], diags[k] = l.ReadDeal(dir, files[k])
		return nil
	})
	return deals, diags
}

// isDir reports whether p is, or links to, a directory.
func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

// FromFiles parses a repository given as file contents keyed by slash path
// (pipeline.yaml and deals/…), such as a git revision's. Files that are not
// deals are left out.
func (l Loader) FromFiles(files map[string][]byte) (*model.Repo, []diag.Diagnostic) {
	repo := &model.Repo{}
	var diags []diag.Diagnostic
	limit := l.Limit()
	if src, ok := files[PipelineFile]; ok && int64(len(src)) > limit {
		repo.Pipeline = &model.Pipeline{File: PipelineFile}
		diags = append(diags, tooLarge(PipelineFile, int64(len(src)), limit))
	} else if ok {
		p, pd := ParsePipeline(PipelineFile, src)
		repo.Pipeline, diags = p, pd
	} else {
		repo.Pipeline = &model.Pipeline{File: PipelineFile}
	}
	var names []string
	for name := range files {
		if Classify(name) == DealFile {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if src := files[name]; int64(len(src)) > limit {
			repo.Deals = append(repo.Deals, &model.Deal{ID: DealID(name), File: name})
			diags = append(diags, tooLarge(name, int64(len(src)), limit))
			continue
		}
		d, dd := ParseDeal(name, DealID(name), files[name])
		repo.Deals = append(repo.Deals, d)
		diags = append(diags, dd...)
	}
	diag.Sort(diags)
	return repo, diags
}
