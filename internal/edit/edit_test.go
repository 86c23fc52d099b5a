package edit

import (
	"strings"
	"testing"

	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
)

func date(s string) model.Date {
	d, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestAppendMove(t *testing.T) {
	tests := []struct {
		name string
		in   string
		move Move
		want string
	}{
		{
			name: "block style with comments and odd spacing",
			in: `# Acme — renewal, owned by Ann
title:   "Acme — analytics"   # the customer's name for it
owner: ann
value: 1200.50
history:       # oldest first
    -   stage: lead        # from the webinar
        date: 2026-01-02
    # they went quiet over the holidays
    -   stage: qualified
        date: 2026-01-20   # call with the CFO

    # next: proposal
notes: |
  Champion is the CFO.
`,
			move: Move{Stage: "proposal", Date: date("2026-02-03")},
			want: `# Acme — renewal, owned by Ann
title:   "Acme — analytics"   # the customer's name for it
owner: ann
value: 1200.50
history:       # oldest first
    -   stage: lead        # from the webinar
        date: 2026-01-02
    # they went quiet over the holidays
    -   stage: qualified
        date: 2026-01-20   # call with the CFO
    -   stage: proposal
        date: 2026-02-03

    # next: proposal
notes: |
  Champion is the CFO.
`,
		},
		{
			name: "flow entries, lost with a reason, history last with no final newline",
			in:   "title: A\nowner: ann\nhistory:\n- {stage: lead, date: 2026-01-02}\n- {stage: qualified, date: 2026-01-03}",
			move: Move{Stage: "lost", Date: date("2026-01-04"), Reason: "no decision"},
			want: "title: A\nowner: ann\nhistory:\n- {stage: lead, date: 2026-01-02}\n- {stage: qualified, date: 2026-01-03}\n- {stage: lost, date: 2026-01-04, reason: no decision}\n",
		},
		{
			name: "flow sequence",
			in:   "title: A\nhistory: [{stage: lead, date: 2026-01-02}]   # short\nowner: ann\n",
			move: Move{Stage: "won", Date: date("2026-01-05")},
			want: "title: A\nhistory: [{stage: lead, date: 2026-01-02}, {stage: won, date: 2026-01-05}]   # short\nowner: ann\n",
		},
		{
			name: "CRLF line endings",
			in:   "title: A\r\nhistory:\r\n  - stage: lead\r\n    date: 2026-01-02\r\nowner: ann\r\n",
			move: Move{Stage: "won", Date: date("2026-01-05")},
			want: "title: A\r\nhistory:\r\n  - stage: lead\r\n    date: 2026-01-02\r\n  - stage: won\r\n    date: 2026-01-05\r\nowner: ann\r\n",
		},
		{
			name: "a stage id that YAML would read as something else is quoted",
			in:   "history:\n  - stage: lead\n    date: 2026-01-02\n",
			move: Move{Stage: "0123", Date: date("2026-01-05")},
			want: "history:\n  - stage: lead\n    date: 2026-01-02\n  - stage: \"0123\"\n    date: 2026-01-05\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AppendMove([]byte(tt.in), tt.move)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("AppendMove =\n%s\nwant\n%s", got, tt.want)
			}
			// The result parses, with the move last.
			d, diags := load.ParseDeal("d.yaml", "d", got)
			if len(diags) > 0 && diags[0].Code == "yaml-syntax" {
				t.Fatalf("result does not parse: %v", diags)
			}
			last := d.History[len(d.History)-1]
			if last.Stage != tt.move.Stage || last.Date != tt.move.Date || last.Reason != tt.move.Reason {
				t.Errorf("last move = %+v, want %+v", last, tt.move)
			}
		})
	}
}

func TestAppendMoveErrors(t *testing.T) {
	for _, in := range []string{"", "title: [", "- a\n", "title: A\n", "history: []\n", "history: lead\n"} {
		if _, err := AppendMove([]byte(in), Move{Stage: "x", Date: date("2026-01-01")}); err == nil {
			t.Errorf("AppendMove(%q): no error", in)
		}
	}
}

func FuzzAppendMove(f *testing.F) {
	f.Add("history:\n  - stage: lead\n    date: 2026-01-02\n")
	f.Add("history: [{stage: lead, date: 2026-01-02}]\n")
	f.Fuzz(func(t *testing.T, src string) {
		out, err := AppendMove([]byte(src), Move{Stage: "won", Date: date("2026-02-01")})
		if err != nil {
			return
		}
		// Nothing of the original is lost.
		if len(out) < len(src) || !strings.HasPrefix(string(out), string([]byte(src)[:min(len(src), 1)])) {
			t.Fatalf("AppendMove lost text: %q → %q", src, out)
		}
	})
}

// A file whose layout the insertion does not foresee is refused, never
// changed wrongly: the new entry used to land inside a quoted value that
// runs over several lines, or in the notes of a file with CR line endings,
// while move reported success.
func TestAppendMoveVerifiesTheResult(t *testing.T) {
	m := Move{Stage: "qualified", Date: date("2026-02-01")}
	for name, src := range map[string]string{
		"multi-line quoted reason": "title: A\nowner: ann\nhistory:\n  - stage: lead\n    date: 2026-01-02\n    reason: \"a long\n      reason\"\nnotes: x\n",
		"CR line endings":          "title: A\rowner: ann\rhistory:\r  - stage: lead\r    date: 2026-01-02\rnotes: |\r  n\r",
	} {
		out, err := AppendMove([]byte(src), m)
		if err != nil {
			continue // refused: nothing is written
		}
		// Accepted: then it must be right.
		d, _ := load.ParseDeal("deals/a.yaml", "a", out)
		if len(d.History) != 2 || d.History[1].Stage != "qualified" || d.History[1].Date != m.Date || d.Notes != strings.TrimPrefix(d.Notes, "- stage") {
			t.Errorf("%s: AppendMove gave a wrong file:\n%s", name, out)
		}
	}
}

// A history written with a tag or an anchor is still the history: move
// used to say the deal had none.
func TestAppendMoveTaggedHistory(t *testing.T) {
	for _, src := range []string{
		"title: A\nowner: ann\nhistory: !!seq\n  - stage: lead\n    date: 2026-01-02\n",
		"title: A\nowner: ann\nhistory: &h\n  - stage: lead\n    date: 2026-01-02\n",
	} {
		out, err := AppendMove([]byte(src), Move{Stage: "qualified", Date: date("2026-02-01")})
		if err != nil || !strings.HasSuffix(string(out), "  - stage: qualified\n    date: 2026-02-01\n") {
			t.Errorf("AppendMove(%q) = %q, %v", src, out, err)
		}
	}
}
