package model

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	good := []struct {
		in   string
		want string
	}{
		{"2026-09-02", "2026-09-02"},
		{"2024-02-29", "2024-02-29"},
		{"0001-01-01", "0001-01-01"},
		{"9999-12-31", "9999-12-31"},
	}
	for _, tt := range good {
		d, err := ParseDate(tt.in)
		if err != nil || d.String() != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", tt.in, d, err, tt.want)
		}
	}
	bad := []string{"", "2026-13-01", "2026-02-29", "2025-02-29", "2026-04-31", "2026-00-10", "2026-01-00",
		"tomorrow", "2026-9-2", "2026/09/02", "26-09-02", "2026-09-02T00:00:00Z", " 2026-09-02", "0000-01-01", "２０２６-09-02"}
	for _, in := range bad {
		if d, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, d)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	a, _ := ParseDate("2026-02-27")
	b, _ := ParseDate("2026-03-02")
	if got := int(b - a); got != 3 {
		t.Errorf("2026-03-02 − 2026-02-27 = %d days, want 3", got)
	}
	if got := a.AddDays(365).String(); got != "2027-02-27" {
		t.Errorf("AddDays(365) = %s, want 2027-02-27", got)
	}
	epoch, _ := ParseDate("1970-01-01")
	if epoch.Time() != time.Unix(0, 0).UTC() {
		t.Errorf("1970-01-01 Time() = %v", epoch.Time())
	}
	if got := DateOf(time.Date(2026, 11, 27, 23, 59, 0, 0, time.FixedZone("x", -5*3600))); got.String() != "2026-11-27" {
		t.Errorf("DateOf keeps the local calendar day: got %s", got)
	}
	var zero Date
	if !zero.IsZero() || zero.String() != "" {
		t.Errorf("zero Date = %q, want unset", zero.String())
	}
}

func TestParseMoney(t *testing.T) {
	good := []struct {
		in    string
		cents int64
		str   string
	}{
		{"0", 0, "0"},
		{"36000", 3600000, "36000"},
		{"36000.5", 3600050, "36000.50"},
		{"36000.50", 3600050, "36000.50"},
		{"0.01", 1, "0.01"},
		{"-12.25", -1225, "-12.25"},
		{"+7", 700, "7"},
		{"1000000000000", 100000000000000, "1000000000000"},
	}
	for _, tt := range good {
		m, err := ParseMoney(tt.in)
		if err != nil || m.Cents() != tt.cents || m.String() != tt.str {
			t.Errorf("ParseMoney(%q) = %d (%s), %v; want %d (%s)", tt.in, m.Cents(), m, err, tt.cents, tt.str)
		}
	}
	bad := []string{"", "1e5", "1_000", "0x1F", "0123", "12.345", "1,000", ".5", "5.", "abc", "1000000000001", "99999999999999999999", "--5", "inf", "NaN"}
	for _, in := range bad {
		if m, err := ParseMoney(in); err == nil {
			t.Errorf("ParseMoney(%q) = %s, want an error", in, m)
		}
	}
}

// Summing amounts in cents is exact where float64 drifts.
func TestMoneySumIsExact(t *testing.T) {
	var sum Money
	tenth, _ := ParseMoney("0.10")
	for range 1000 {
		sum += tenth
	}
	if sum.String() != "100" {
		t.Errorf("1000 × 0.10 = %s, want 100", sum)
	}
	m, _ := ParseMoney("36000")
	if got := m.MulRound(0.333); got.String() != "11988" {
		t.Errorf("36000 × 0.333 = %s, want 11988", got)
	}
	if got, _ := Money(1001).MarshalJSON(); string(got) != "10.01" {
		t.Errorf("MarshalJSON = %s, want 10.01", got)
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct{ in, start, end string }{
		{"2026", "2026-01-01", "2026-12-31"},
		{"2026-Q1", "2026-01-01", "2026-03-31"},
		{"2026-Q4", "2026-10-01", "2026-12-31"},
		{"2024-02", "2024-02-01", "2024-02-29"},
		{"2026-12", "2026-12-01", "2026-12-31"},
	}
	for _, tt := range tests {
		p, err := ParsePeriod(tt.in)
		if err != nil || p.Start.String() != tt.start || p.End.String() != tt.end {
			t.Errorf("ParsePeriod(%q) = %s..%s, %v; want %s..%s", tt.in, p.Start, p.End, err, tt.start, tt.end)
		}
	}
	for _, in := range []string{"", "26", "2026-Q5", "2026-Q0", "2026-13", "2026-00", "2026-1", "Q4-2026", "2026-q4", "2026-10-01"} {
		if p, err := ParsePeriod(in); err == nil {
			t.Errorf("ParsePeriod(%q) = %+v, want an error", in, p)
		}
	}
	if p, _ := ParsePeriod("2026-10"); !p.IsMonth() || p.Days() != 31 {
		t.Errorf("2026-10: IsMonth %v, Days %d", p.IsMonth(), p.Days())
	}
	if p, _ := ParsePeriod("2026-Q4"); p.IsMonth() {
		t.Errorf("2026-Q4 is not a month")
	}
}

func stages(specs ...string) *Pipeline {
	p := &Pipeline{}
	for _, s := range specs {
		id, typ := s, Open
		if s == "won" || s == "won2" {
			typ = Won
		}
		if s == "lost" || s == "lost2" {
			typ = Lost
		}
		p.Stages = append(p.Stages, Stage{ID: id, Type: typ})
	}
	p.Index()
	return p
}

func TestAllowedDefaultRule(t *testing.T) {
	p := stages("lead", "qualified", "lost", "proposal", "won", "lost2")
	tests := []struct {
		from string
		want []string
	}{
		{"lead", []string{"qualified", "lost", "lost2"}},
		{"qualified", []string{"lost", "proposal", "lost2"}},
		{"proposal", []string{"lost", "won", "lost2"}},
		{"won", nil},
		{"lost", nil},
		{"nope", nil},
	}
	for _, tt := range tests {
		if got := p.Allowed(tt.from); !equal(got, tt.want) {
			t.Errorf("Allowed(%q) = %q, want %q", tt.from, got, tt.want)
		}
	}
	p.Transitions = []Transition{{From: "proposal", To: []Item{{ID: "qualified"}, {ID: "won"}}}, {From: "lost", To: []Item{{ID: "lead"}}}}
	if got := p.Allowed("proposal"); !equal(got, []string{"qualified", "won"}) {
		t.Errorf("explicit Allowed(proposal) = %q", got)
	}
	if got := p.Allowed("lost"); !equal(got, []string{"lead"}) {
		t.Errorf("explicit Allowed(lost) = %q", got)
	}
}

func TestQualifiedAndEntry(t *testing.T) {
	p := stages("lead", "qualified", "proposal", "won", "lost")
	p.Stages[2].Entry = true
	if got := p.Qualified(); got != "qualified" {
		t.Errorf("default Qualified() = %q, want the second open stage", got)
	}
	p.QualifiedStage = "proposal"
	if got := p.Qualified(); got != "proposal" {
		t.Errorf("Qualified() = %q, want the setting", got)
	}
	if got := p.EntryStages(); !equal(got, []string{"lead", "proposal"}) {
		t.Errorf("EntryStages() = %q", got)
	}
	if p.IsEntry("qualified") || !p.IsEntry("lead") {
		t.Errorf("IsEntry wrong")
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// YMD and String agree with the time package on every day of four centuries.
func TestDateYMDMatchesTime(t *testing.T) {
	start, _ := NewDate(1900, 1, 1)
	end, _ := NewDate(2300, 12, 31)
	for d := start; d <= end; d++ {
		tt := d.Time()
		y, m, day := d.YMD()
		if y != tt.Year() || m != int(tt.Month()) || day != tt.Day() {
			t.Fatalf("YMD(%d) = %d-%d-%d, time says %s", d, y, m, day, tt.Format("2006-01-02"))
		}
		if d.String() != tt.Format("2006-01-02") {
			t.Fatalf("String(%d) = %s, time says %s", d, d.String(), tt.Format("2006-01-02"))
		}
	}
	for _, s := range []string{"0001-01-01", "9999-12-31", "2000-02-29", "1970-01-01"} {
		d, _ := ParseDate(s)
		if d.String() != s {
			t.Errorf("round trip %s → %s", s, d)
		}
	}
}
