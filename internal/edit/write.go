package edit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Replace writes data to an existing file in one step — a temporary file
// beside it, renamed over it — keeping its permissions. The file is never
// left truncated or half-written.
func Replace(path string, data []byte) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp, err := writeTemp(path, data, info.Mode().Perm(), true)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// Create writes a new file in one step and refuses to replace one that
// exists, even one created a moment ago by someone else. It returns once
// the file is on the disk.
func Create(path string, data []byte) error { return create(path, data, true) }

// CreateMany writes a new file as Create does, but does not wait for it to
// reach the disk: waiting for each of thousands of files takes minutes.
// Whoever writes many calls SyncAll once when they are written.
func CreateMany(path string, data []byte) error { return create(path, data, false) }

func create(path string, data []byte, sync bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := writeTemp(path, data, 0o644, sync)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	// A hard link fails when the target exists: no check-then-write race.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", path, fs.ErrExist)
		}
		return err
	}
	return nil
}

func writeTemp(path string, data []byte, perm fs.FileMode, sync bool) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return "", err
	}
	name := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(name)
		return "", err
	}
	if sync {
		if err := f.Sync(); err != nil {
			f.Close()
			os.Remove(name)
			return "", err
		}
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", err
	}
	if err := os.Chmod(name, perm); err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}
