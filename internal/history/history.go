// Package history reads what git knows of a pipeline repository's deals:
// each deal file as it was in every commit of HEAD's first-parent line, and
// which commit was the last review. It is how the movement since the last
// review knows a deal's value and expected close a week ago, and how many
// times a close date was pushed. It reads git in one pass (one log of the
// first-parent line, and one cat-file batch that runs alongside) and
// parses each distinct file version once.
package history

import (
	"sync"
	"time"

	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
)

// Options say which repository to read and what the last review is.
type Options struct {
	// Dir is the pipeline repository: the folder of pipeline.yaml, which
	// may be a sub-folder of the git work tree.
	Dir string
	// Files maps each deal id of the working tree to its file, relative to
	// Dir and slash-separated ("deals/acme.yaml").
	Files map[string]string
	// Current holds the facts of the working tree's deal files, as loaded:
	// a committed version whose content is the unmodified working-tree file
	// is not parsed again. Git tells which files are unmodified (they are
	// as the index has them). A version taken from Current is never
	// Broken: leave out the deals whose value, expected close, owner or
	// stage could not be read, and their versions are parsed and found
	// broken as the others are.
	Current map[string]Facts
	// Cutoff is the end of day F − 1 in the pipeline's time zone: the last
	// review is the last commit on HEAD's first-parent line whose committer
	// date is at or before it.
	Cutoff time.Time
	// Loader parses the file versions (its size limit applies).
	Loader load.Loader
	// Cache, when set, keeps parsed versions between reads by blob id,
	// and the first-parent line last read (the dev server reads again
	// when HEAD moves). One from OpenCache is loaded from its file before
	// the read and written after it.
	Cache *Cache
}

// Facts are what a version of a deal file says that the movement and a
// deal's page follow: its value and currency, expected close, owner and
// stage (the last entry of its history).
type Facts struct {
	Value         model.Money
	HasValue      bool
	Currency      string // "" for the pipeline's
	ExpectedClose model.Date
	Owner, Stage  string
}

// FactsOf returns the facts of a parsed deal.
func FactsOf(d *model.Deal) Facts {
	f := Facts{Value: d.Value, HasValue: d.HasValue, Currency: d.Currency, ExpectedClose: d.ExpectedClose, Owner: d.Owner}
	if n := len(d.History); n > 0 {
		f.Stage = d.History[n-1].Stage
	}
	return f
}

// Commit is a commit of HEAD's first-parent line.
type Commit struct {
	Hash string
	When time.Time // committer date
}

// Version is a deal file as one commit left it.
type Version struct {
	Commit Commit
	Facts  Facts
	// Broken says the version does not parse; its facts are empty and it
	// is left out of comparisons.
	Broken bool
}

// Deal is the committed past of one deal of the working tree.
type Deal struct {
	// Versions are the versions of its file (under its current path or an
	// earlier one, across renames) on HEAD's first-parent line, oldest
	// first; a commit that did not change the file has no version.
	Versions []Version
	// AtReview is the index in Versions of the file as it was at the review
	// commit; -1 when the file was not in the repository then.
	AtReview int
}

// History is what git says of the deals of a repository.
type History struct {
	// Usable is false when there is no history to read the last review
	// from; Why then says what is missing, for the dashboard ("the
	// repository is a shallow clone"), and Fix how to mend it.
	Usable   bool
	Why, Fix string
	// Head is HEAD's commit; Review is the last review's.
	Head, Review Commit
	// Deals holds the past of each deal id of Options.Files that has one.
	Deals map[string]*Deal
}

// Cache keeps what a read learnt for the next: the facts of each file
// version by blob id, and the first-parent line of each repository read,
// so that a read after HEAD moved logs only the new commits and parses
// only the new versions. One cache serves one Loader (a version over its
// size limit is kept as broken). It is safe for concurrent use; the zero
// Cache is empty and ready, and a nil *Cache keeps nothing. A Cache from
// OpenCache also keeps what it holds on disk, between processes.
type Cache struct {
	mu       sync.Mutex
	versions map[string]parsed   // by blob id
	lines    map[string][]commit // newest first, by absolute Dir
	parses   int                 // versions put: parsed, not taken from Current

	// On disk (see OpenCache): the folder of the files, "" for none; gen
	// counts the changes (versions put, lines kept), and files holds, by
	// path, the gen at which each file was loaded or last written.
	disk  string
	gen   int
	files map[string]int
}
