package app

import (
	"encoding/json"
	"maps"
	"slices"
	"sync"
)

var sortedKnownFields sync.Map // entity → []string, sorted

// SortedFieldNames returns the names of fields, sorted. When they are all
// fields of entity's record type it picks them from the type's names,
// sorted once per process, instead of sorting: a bulk push sorts every
// new record's 50-odd names (serverstore's prepare).
func SortedFieldNames(entity string, fields map[string]json.RawMessage) []string {
	v, ok := sortedKnownFields.Load(entity)
	if !ok {
		known := fieldsOfEntity(entity)
		if known == nil {
			return slices.Sorted(maps.Keys(fields))
		}
		v, _ = sortedKnownFields.LoadOrStore(entity, slices.Sorted(maps.Keys(known)))
	}
	all := v.([]string)
	names := make([]string, 0, len(fields))
	for _, name := range all {
		if _, ok := fields[name]; ok {
			names = append(names, name)
		}
	}
	if len(names) != len(fields) { // a name the type does not have
		return slices.Sorted(maps.Keys(fields))
	}
	return names
}
