package memstore

import (
	"testing"
	"time"

	"storybot/qa"
	"storybot/qa/qatest"
)

func TestStore(t *testing.T) {
	qatest.Run(t, func(t *testing.T, now func() time.Time) qa.Store {
		s := New()
		s.SetClock(now)
		return s
	})
}
