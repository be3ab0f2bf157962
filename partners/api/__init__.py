"""REST API of the partners app, one module per area: partners and contacts (`directory`), applications
(`recruitment`), onboardings, agreements."""
