package history

// get returns the facts of a version parsed before.
func (c *Cache) get(blob string) (parsed, bool) {
	if c == nil {
		return parsed{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.versions[blob]
	return p, ok
}

// put keeps the facts of a version just parsed.
func (c *Cache) put(blob string, p parsed) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.versions == nil {
		c.versions = make(map[string]parsed)
	}
	c.versions[blob] = p
	c.parses++
	c.gen++
}

// line returns the first-parent line last read in dir, newest first; the
// caller must not change it.
func (c *Cache) line(dir string) []commit {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lines[dir]
}

// keepLine keeps the first-parent line read in dir, newest first, for
// the next read there.
func (c *Cache) keepLine(dir string, line []commit) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lines == nil {
		c.lines = make(map[string][]commit)
	}
	c.lines[dir] = line
	c.gen++
}
