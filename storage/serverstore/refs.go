package serverstore

import (
	"sync"

	"bvntd/app"
	"bvntd/seeds"
)

// seedRefs is the seeded reference data (communes, sectors, issue types),
// loaded once: the catalogue every commune code and coded value that
// enters the server is checked against.
var seedRefs = sync.OnceValues(seeds.Load)

// SetRefs replaces the catalogue the store checks enrolment scopes and
// pushed records against (by default the seeds, seeds.Load). Call it
// before the store serves anything; tests use it to add the made-up
// communes of older tests.
func (s *Store) SetRefs(r app.Refs) { s.refs = r }

// catalogue returns the reference data the store checks against.
func (s *Store) catalogue() (app.Refs, error) {
	if s.refs != nil {
		return s.refs, nil
	}
	r, err := seedRefs()
	if err != nil {
		return nil, err
	}
	return r, nil
}

// msgUnknownCommune refuses a commune code that is not in the catalogue.
const msgUnknownCommune = "Không có xã, phường mã %s trong danh mục của máy chủ tỉnh."

// knownCommune reports whether code is a commune of the catalogue.
func (s *Store) knownCommune(code string) (bool, error) {
	r, err := s.catalogue()
	if err != nil {
		return false, err
	}
	return r.HasUnit(code), nil
}
