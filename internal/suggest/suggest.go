// Package suggest finds the name a user most likely meant and writes lists
// of names for messages.
package suggest

import (
	"strconv"
	"strings"
)

// Closest returns the option nearest to s by edit distance, ignoring case,
// or "" when none is near enough to be a plausible typo.
func Closest(s string, options []string) string {
	best, bestDist := "", -1
	ls := strings.ToLower(s)
	for _, o := range options {
		d := distance(ls, strings.ToLower(o))
		if bestDist < 0 || d < bestDist {
			best, bestDist = o, d
		}
	}
	if bestDist < 0 {
		return ""
	}
	limit := max(len([]rune(s))/3, 1)
	if len([]rune(s)) >= 5 {
		limit = max(limit, 2)
	}
	if bestDist > limit {
		return ""
	}
	return best
}

// Named returns the id whose display name s is, for a file that writes a
// name where an id belongs ("Closed won" for the stage won, "Olena
// Kovalenko" for the owner olena). names[i] is the name of ids[i]. Case and
// surrounding spaces do not count, and a single word of a name (a first
// name) is enough when no other name has it. It returns "" when no name
// fits.
func Named(s string, ids, names []string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return ""
	}
	for i, n := range names {
		if strings.EqualFold(strings.Join(strings.Fields(n), " "), s) {
			return ids[i]
		}
	}
	found := ""
	for i, n := range names {
		for _, w := range strings.Fields(n) {
			if strings.EqualFold(w, s) {
				if found != "" && found != ids[i] {
					return ""
				}
				found = ids[i]
			}
		}
	}
	return found
}

// distance is the Levenshtein distance between two strings, by rune.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Quoted writes names as "a", "b" or "c" (with the given last conjunction).
func Quoted(names []string, conj string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " " + conj + " " + q[len(q)-1]
}
