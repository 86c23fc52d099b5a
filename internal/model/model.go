// Package model holds the typed form of a pipeline repository: the stage
// definitions and settings of pipeline.yaml and every deal, each value with
// the file position it came from so that any rule can point at it.
package model

import (
	"strings"
	"time"
)

// Pos is a 1-based line and column in a file. The zero Pos means "the file
// as a whole".
type Pos struct {
	Line, Col int
}

// StageType says whether a deal in a stage is still open, won or lost.
type StageType string

const (
	Open StageType = "open"
	Won  StageType = "won"
	Lost StageType = "lost"
)

// Repo is a loaded pipeline repository.
type Repo struct {
	Pipeline *Pipeline
	Deals    []*Deal // sorted by File
}

// Pipeline is pipeline.yaml.
type Pipeline struct {
	File           string
	Name           string
	Currency       string
	Review         string // weekly, biweekly or monthly
	AsOf           Date
	Repository     string
	QualifiedStage string // as written; see Qualified for the effective stage
	FunnelDays     int    // 0 when unset
	RateDays       int    // the trailing window of the rates; 0 when unset
	Timezone       string // an IANA time zone name; "" means UTC
	// Location is Timezone's zone, loaded when pipeline.yaml is parsed;
	// nil means UTC.
	Location    *time.Location
	Owners      []Owner
	Sources     []Item
	LostReasons []Item
	Stages      []Stage
	Transitions []Transition
	Targets     []Target
	Spend       []Spend
	// Rates convert the deals in other currencies into Currency.
	Rates []Rate
	// Fields are the extra deal fields the pipeline declares.
	Fields []FieldDef

	// HasOwners, HasSources and HasLostReasons tell a list that is declared
	// empty from one that is absent (and so not enforced).
	HasOwners, HasSources, HasLostReasons bool

	Pos PipelinePos

	index map[string]int
	rates map[string][]Rate // by currency, sorted by From
}

// PipelinePos holds where the settings of pipeline.yaml were written.
type PipelinePos struct {
	Name, Currency, Review, AsOf, Repository, QualifiedStage, FunnelDays Pos
	RateDays, Timezone                                                   Pos
	Owners, Sources, LostReasons, Stages, Transitions, Targets, Spend    Pos
	Rates, Fields                                                        Pos
}

// Owner is a sales rep who owns deals.
type Owner struct {
	ID, Name, Team string
	Pos, IDPos     Pos
}

// Item is an entry of a declared list of ids (sources, lost reasons).
type Item struct {
	ID  string
	Pos Pos
}

// Stage is one step of the pipeline.
type Stage struct {
	ID          string
	Name        string
	Type        StageType
	Probability float64
	RotAfter    int // days; meaningful only when HasRotAfter
	HasRotAfter bool
	Entry       bool
	Requires    []Item
	Guide       string
	// Forecast is the forecast category of deals in the stage: commit,
	// best_case, pipeline or omitted; "" means pipeline.
	Forecast string

	Pos, IDPos, ProbabilityPos, RotAfterPos, TypePos Pos
}

// Forecast categories, from the most to the least certain.
const (
	ForecastCommit   = "commit"
	ForecastBestCase = "best_case"
	ForecastPipeline = "pipeline"
	ForecastOmitted  = "omitted"
)

// ForecastCategories lists the forecast categories in order.
var ForecastCategories = []string{ForecastCommit, ForecastBestCase, ForecastPipeline, ForecastOmitted}

// Title returns the stage's display name: its name, or its id.
func (s *Stage) Title() string {
	if s.Name != "" {
		return s.Name
	}
	return s.ID
}

// Transition replaces the default move rule for the stage From.
type Transition struct {
	From    string
	FromPos Pos
	To      []Item
}

// Target is a revenue goal for a period, optionally for one owner.
type Target struct {
	Period   Period
	Owner    string
	Team     string // a team of the owners list; never with Owner
	Revenue  Money
	Pos      Pos
	OwnerPos Pos
	TeamPos  Pos
	RevPos   Pos
}

// Spend is acquisition spend in one month, optionally tied to a source.
type Spend struct {
	Month     Period
	Source    string
	Amount    Money
	Pos       Pos
	SourcePos Pos
	AmountPos Pos
}

// Deal is one deal file.
type Deal struct {
	ID       string // path under deals/ without .yaml, with forward slashes
	File     string // path relative to the repository root
	Title    string
	Company  string
	Owner    string
	Source   string
	Value    Money // in Currency
	HasValue bool
	// Currency is the currency of Value: "" means the pipeline's.
	Currency      string
	ExpectedClose Date
	Probability   float64
	HasProb       bool
	Contacts      []Contact
	History       []Move
	Emails        Emails
	Onboarding    *Onboarding
	Churned       Date
	Notes         string
	// Forecast overrides the stage's forecast category; "" means the
	// stage's.
	Forecast string
	// NextStep is the next action on an open deal, due on NextStepDate.
	NextStep     string
	NextStepDate Date
	// Fields are the values of the pipeline's declared fields, as written.
	Fields []FieldValue

	Pos DealPos
	// Broken names the fields that were written but could not be read; they
	// have been reported already, so rules about them stay silent.
	Broken map[string]bool
}

// DealPos holds where each field of a deal was written; a zero Pos means the
// field is absent.
type DealPos struct {
	Title, Company, Owner, Source, Value, ExpectedClose, Probability Pos
	Contacts, History, Emails, Onboarding, Churned, Notes            Pos
	Forecast, NextStep, NextStepDate, Currency, Fields               Pos
}

// Has reports whether the deal has the named field, as pipeline.yaml's
// requires lists name them.
func (d *Deal) Has(field string) bool {
	switch field {
	case "value":
		return d.HasValue
	case "expected_close":
		return !d.ExpectedClose.IsZero()
	case "probability":
		return d.HasProb
	case "company":
		return d.Company != ""
	case "source":
		return d.Source != ""
	case "contacts":
		return len(d.Contacts) > 0
	case "emails":
		return d.Emails.Set
	case "notes":
		return strings.TrimSpace(d.Notes) != ""
	}
	return false
}

// RequirableFields are the deal fields a stage may require. "reason" is
// required of the move into the stage rather than of the deal.
var RequirableFields = []string{"value", "expected_close", "probability", "company", "source", "contacts", "emails", "notes", "reason"}

// Contact is a person at the customer.
type Contact struct {
	Name, Email, Role string
	Pos               Pos
}

// Move is one history entry: the deal entered Stage on Date.
type Move struct {
	Stage  string
	Date   Date
	Reason string

	Pos, StagePos, DatePos, ReasonPos Pos
}

// Emails counts outreach emails sent and opened.
type Emails struct {
	Sent, Opened int
	Set          bool
	SentPos      Pos
	OpenedPos    Pos
}

// Onboarding records how a won customer's onboarding went.
type Onboarding struct {
	Status      string // in_progress, succeeded or failed
	Date        Date
	DateInvalid bool // a date was written but could not be read
	StatusPos   Pos
	DatePos     Pos
	Pos         Pos
}

// Onboarding statuses.
const (
	OnboardingInProgress = "in_progress"
	OnboardingSucceeded  = "succeeded"
	OnboardingFailed     = "failed"
)

// MaxText is the longest note or stage guide the dashboard shows: Markdown
// parsers slow down on long pathological text, and a note is a few
// paragraphs. check warns about longer ones.
const MaxText = 64 << 10

// Zone returns the pipeline's time zone: UTC unless timezone names one.
func (p *Pipeline) Zone() *time.Location {
	if p.Location != nil {
		return p.Location
	}
	return time.UTC
}

// MaxDays bounds every span of days a user sets (funnel_days, rot_after,
// --funnel-days): ten years is more than any sales pipeline looks back,
// and the bound keeps date arithmetic far from overflowing.
const MaxDays = 3650

// FirstDate and LastDate bound the dates given on the command line: a
// window or a previous window computed from a date outside them would
// leave the calendar.
var (
	FirstDate, _ = NewDate(1900, 1, 1)
	LastDate, _  = NewDate(2199, 12, 31)
)

// FieldDef is an extra deal field that pipeline.yaml declares: enumerated
// (Values lists what a deal may write) or a number.
type FieldDef struct {
	ID     string
	Title  string // "" means the id
	Values []Item
	Number bool

	Pos, IDPos Pos
}

// Name returns the field's display name: its title, or its id.
func (f *FieldDef) Name() string {
	if f.Title != "" {
		return f.Title
	}
	return f.ID
}

// Enumerated reports whether the field lists its values, and so is a
// breakdown of the dashboard.
func (f *FieldDef) Enumerated() bool { return len(f.Values) > 0 }

// Field returns the declared field with the given id, or nil.
func (p *Pipeline) Field(id string) *FieldDef {
	for i := range p.Fields {
		if p.Fields[i].ID == id {
			return &p.Fields[i]
		}
	}
	return nil
}

// FieldValue is a deal's value of a declared field, as written: Number
// says it was written as a number rather than as text.
type FieldValue struct {
	ID, Text string
	Number   bool

	KeyPos, Pos Pos
}

// Field returns the deal's value of a declared field, as written, and
// whether the deal sets it.
func (d *Deal) Field(id string) (string, bool) {
	for _, f := range d.Fields {
		if f.ID == id {
			return f.Text, true
		}
	}
	return "", false
}
