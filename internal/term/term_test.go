package term

import "testing"

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Northwind — Café\tZürich", "Northwind — Café\tZürich"},
		{"\x1b[31mred\x1b[0m", "\uFFFD[31mred\uFFFD[0m"},
		{"a\rb\nc\x00d\x7fe\u0085f", "a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf"},
		{"abc\u202Edcba\u2066x\u2069", "abc\uFFFDdcba\uFFFDx\uFFFD"},
		{"a\u2028b", "a\uFFFDb"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, want := Lines("add:\n  - \x1b[2J"), "add:\n  - \uFFFD[2J"; got != want {
		t.Errorf("Lines = %q, want %q", got, want)
	}
}
