package app

import "time"

// ICT is Vietnam time (UTC+7, no daylight saving). Times are stored in UTC
// and shown in ICT.
var ICT = time.FixedZone("ICT", 7*60*60)
