package app

import (
	"encoding/json"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortedFieldNames: the names come out sorted and complete, whether
// all are the type's, some are not, or the entity is unknown.
func TestSortedFieldNames(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 22))
	known := slices.Sorted(maps.Keys(fieldsOfEntity(EntityCase)))
	for round := 0; round < 200; round++ {
		fields := map[string]json.RawMessage{}
		for _, name := range known {
			if rng.IntN(3) > 0 {
				fields[name] = json.RawMessage(`1`)
			}
		}
		if round%4 == 1 {
			fields["không_có_trong_mẫu"] = json.RawMessage(`1`)
		}
		if round%4 == 2 {
			fields[""] = json.RawMessage(`1`)
		}
		entity := EntityCase
		if round%5 == 3 {
			entity = "không_có"
		}
		want := slices.Sorted(maps.Keys(fields))
		if got := SortedFieldNames(entity, fields); !slices.Equal(got, want) {
			t.Fatalf("round %d (%s): got %v, want %v", round, entity, got, want)
		}
	}
}

func BenchmarkSortedFieldNames(b *testing.B) {
	fields := map[string]json.RawMessage{}
	for name := range fieldsOfEntity(EntityCase) {
		fields[name] = json.RawMessage(`1`)
	}
	b.Run("picked", func(b *testing.B) {
		for b.Loop() {
			SortedFieldNames(EntityCase, fields)
		}
	})
	b.Run("sorted", func(b *testing.B) {
		for b.Loop() {
			sortedSink = slices.Sorted(maps.Keys(fields))
		}
	})
}

var sortedSink []string
