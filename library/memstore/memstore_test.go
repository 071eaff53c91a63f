package memstore

import (
	"testing"
	"time"

	"storybot/library"
	"storybot/library/librarytest"
)

func TestStore(t *testing.T) {
	librarytest.Run(t, func(t *testing.T, now func() time.Time) library.Store {
		s := New()
		s.SetClock(now)
		return s
	})
}
