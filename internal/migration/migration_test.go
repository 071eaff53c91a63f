package migration

import (
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoad(t *testing.T) {
	for _, tt := range []struct {
		name  string
		files []string
		want  string // the versions in order, or the error's start
	}{
		{"in order", []string{"002_b.sql", "001_a.sql", "010_skip.txt"}, "1 001_a.sql, 2 002_b.sql"},
		{"none", nil, ""},
		{"a gap", []string{"001_a.sql", "003_c.sql"}, "migration 003_c.sql: want version 2"},
		{"no number", []string{"first.sql"}, "migration m/first.sql: name is not NNN_name.sql"},
		{"zero", []string{"000_a.sql"}, "migration m/000_a.sql: name is not NNN_name.sql"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tt.files {
				fsys["m/"+f] = &fstest.MapFile{Data: []byte("-- " + f)}
			}
			ms, err := Load(fsys, "m")
			var got []string
			for _, m := range ms {
				if m.SQL != "-- "+m.Name {
					t.Errorf("%s holds %q", m.Name, m.SQL)
				}
				got = append(got, strconv.Itoa(m.Version)+" "+m.Name)
			}
			g := strings.Join(got, ", ")
			if err != nil {
				g = err.Error()
			}
			if g != tt.want {
				t.Errorf("Load = %q, want %q", g, tt.want)
			}
		})
	}
}

func TestMustLoadPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustLoad of a gap did not panic")
		}
	}()
	MustLoad(fstest.MapFS{"m/002_b.sql": &fstest.MapFile{}}, "m")
}
