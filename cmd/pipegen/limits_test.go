package main

import "testing"

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64 // 0: an error
	}{
		{"1048576", 1 << 20},
		{"512KiB", 512 << 10},
		{"2MiB", 2 << 20},
		{" 2 MiB ", 2 << 20},
		{"1GiB", 1 << 30},
		{"500kB", 500_000},
		{"500KB", 500_000},
		{"3MB", 3_000_000},
		{"10B", 10},
		{"0", 0},
		{"-5", 0},
		{"2GiB", 0},
		{"9223372036854775807", 0},
		{"99999999999999GiB", 0},
		{"2 MiBs", 0},
		{"MiB", 0},
		{"1.5MiB", 0},
		{"lots", 0},
	} {
		got, err := parseSize(tc.in)
		if tc.want == 0 {
			if err == nil {
				t.Errorf("parseSize(%q) = %d, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

// A size too large for any number says so, rather than "not a positive
// size".
func TestParseSizeTooLarge(t *testing.T) {
	for _, in := range []string{"99999999999999999999", "99999999999999999999GiB", "2GiB"} {
		if _, err := parseSize(in); err == nil || err.Error() != "more than the largest limit, 1GiB" {
			t.Errorf("parseSize(%q) error = %v, want the largest limit", in, err)
		}
	}
}
