package model

import "testing"

func TestGuessMoney(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when there is no guess
	}{
		{"€36,000", "36000"},
		{"36k", "36000"},
		{"36K", "36000"},
		{"1.5k", "1500"},
		{"1.234k", "1234"},
		{"2m", "2000000"},
		{"1.2 mn", "1200000"},
		{"$36000", "36000"},
		{"36 000", "36000"},
		{"36\u00a0000 €", "36000"},
		{"36'000 CHF", "36000"},
		{"36000 USD", "36000"},
		{"USD 36,000.50", "36000.50"},
		{"36.000,50", "36000.50"},
		{"1.000.000", "1000000"},
		{"1,250,000", "1250000"},
		{"1250,50", "1250.50"},
		{"1_000", "1000"},
		{"036000", "36000"},
		{"-€1,000", "-1000"},
		{"36.000", ""}, // 36, or 36 thousand?
		{"36,0000", ""},
		{"1,23,456", ""},
		{"1.5", "1.50"},
		{"1.005k", "1005"},
		{"1.000005k", ""}, // not a whole cent
		{"1e5", ""},
		{"0x1F", ""},
		{"k", ""},
		{"", ""},
		{"thirty", ""},
		{"5000000000000", ""},
	}
	for _, tt := range tests {
		got, ok := GuessMoney(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("GuessMoney(%q) = %v, want no guess", tt.in, got)
			}
			continue
		}
		want, err := ParseMoney(tt.want)
		if err != nil {
			t.Fatal(err)
		}
		if !ok || got != want {
			t.Errorf("GuessMoney(%q) = %v, %v; want %v", tt.in, got, ok, want)
		}
	}
}
