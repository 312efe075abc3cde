package exec

// ForceRecord makes p record the block access list on pre-Amsterdam blocks
// too, so that tests and benchmarks can measure what recording costs.
func (p *Processor) ForceRecord(on bool) { p.forceRecord = on }
