package site

import "golang.org/x/sys/unix"

// exchange swaps two folders atomically: readers see the old site or the
// new one, never neither.
func exchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}
