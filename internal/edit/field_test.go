package edit

import (
	"testing"

	"github.com/pipegen/pipegen/internal/model"
)

// A move may set the deal's value and expected close: in place on the
// field's own line, keeping its comment, or on a new line before history.
func TestAppendMoveSetsFields(t *testing.T) {
	money := func(s string) model.Money {
		m, err := model.ParseMoney(s)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := Move{Stage: "proposal", Date: date("2026-02-03"), Value: money("40000.5"), HasValue: true, ExpectedClose: date("2026-03-31")}
	tests := []struct{ name, in, want string }{
		{
			name: "replaced in place",
			in:   "title: A\nvalue: 36000   # list price\nexpected_close: 2026-03-01\nhistory:\n  - stage: qualified\n    date: 2026-01-02\nnotes: x\n",
			want: "title: A\nvalue: 40000.50   # list price\nexpected_close: 2026-03-31\nhistory:\n  - stage: qualified\n    date: 2026-01-02\n  - stage: proposal\n    date: 2026-02-03\nnotes: x\n",
		},
		{
			name: "added before history",
			in:   "title: A\r\nhistory: [{stage: qualified, date: 2026-01-02}]\r\n",
			want: "title: A\r\nvalue: 40000.50\r\nexpected_close: 2026-03-31\r\nhistory: [{stage: qualified, date: 2026-01-02}, {stage: proposal, date: 2026-02-03}]\r\n",
		},
		{
			name: "a value that could not be read is replaced",
			in:   "title: A\nvalue: 36k\nexpected_close:\nhistory:\n  - stage: qualified\n    date: 2026-01-02\n",
			want: "title: A\nvalue: 40000.50\nexpected_close: 2026-03-31\nhistory:\n  - stage: qualified\n    date: 2026-01-02\n  - stage: proposal\n    date: 2026-02-03\n",
		},
	}
	for _, tt := range tests {
		got, err := AppendMove([]byte(tt.in), m)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: AppendMove = %q, %v\nwant %q", tt.name, got, err, tt.want)
		}
	}
}

// A field over several lines is not rewritten: the move is refused.
func TestAppendMoveRefusesFieldLayout(t *testing.T) {
	m := Move{Stage: "proposal", Date: date("2026-02-03"), ExpectedClose: date("2026-03-31")}
	for _, in := range []string{
		"title: A\nexpected_close:\n  2026-03-01\nhistory:\n  - stage: qualified\n    date: 2026-01-02\n",
		"{title: A, history: [{stage: qualified, date: 2026-01-02}]}\n",
	} {
		if out, err := AppendMove([]byte(in), m); err == nil {
			t.Errorf("AppendMove(%q) = %q, want an error", in, out)
		}
	}
}
