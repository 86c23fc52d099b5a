package suggest

import "testing"

func TestClosest(t *testing.T) {
	fields := []string{"title", "company", "owner", "source", "value", "expected_close", "history", "notes"}
	tests := []struct{ in, want string }{
		{"expected_clos", "expected_close"},
		{"Title", "title"},
		{"histroy", "history"},
		{"ownr", "owner"},
		{"valeu", "value"},
		{"zzzzzz", ""},
		{"x", ""},
		{"stage", ""},
	}
	for _, tt := range tests {
		if got := Closest(tt.in, fields); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Closest("a", nil); got != "" {
		t.Errorf("Closest with no options = %q, want empty", got)
	}
}

func TestQuoted(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"lead"}, `"lead"`},
		{[]string{"qualified", "lost"}, `"qualified" or "lost"`},
		{[]string{"a", "b", "c"}, `"a", "b" or "c"`},
	}
	for _, tt := range tests {
		if got := Quoted(tt.in, "or"); got != tt.want {
			t.Errorf("Quoted(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNamed(t *testing.T) {
	ids := []string{"lead", "won", "lost", "olena", "ana"}
	names := []string{"Prospecting", "Closed won", "Closed lost", "Olena Kovalenko", "Ana Kovalenko"}
	tests := []struct{ in, want string }{
		{"Closed won", "won"},
		{"  closed   WON ", "won"},
		{"Prospecting", "lead"},
		{"Olena Kovalenko", "olena"},
		{"Olena", "olena"},
		{"Kovalenko", ""}, // two owners have it
		{"Closed", ""},
		{"Closed wo", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Named(tt.in, ids, names); got != tt.want {
			t.Errorf("Named(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
