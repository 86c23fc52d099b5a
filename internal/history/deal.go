package history

// PushCount returns how many commits moved the deal's expected close
// later, over its whole history: each version against the last readable
// one before it, when both have a close date and the newer one is later.
// Broken versions are skipped, so a push across a broken commit counts
// once.
func (d *Deal) PushCount() int {
	n := 0
	var last *Version
	for i := range d.Versions {
		v := &d.Versions[i]
		if v.Broken {
			continue
		}
		if last != nil && !last.Facts.ExpectedClose.IsZero() && !v.Facts.ExpectedClose.IsZero() &&
			v.Facts.ExpectedClose > last.Facts.ExpectedClose {
			n++
		}
		last = v
	}
	return n
}

// At returns the version of the deal's file at the last review, and false
// when the file was not in the repository then. The version may be
// broken.
func (d *Deal) At() (Version, bool) {
	if d.AtReview < 0 || d.AtReview >= len(d.Versions) {
		return Version{}, false
	}
	return d.Versions[d.AtReview], true
}
