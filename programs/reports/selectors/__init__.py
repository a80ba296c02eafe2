"""Reading monthly reports: completeness and timeliness (`completeness`), and a report against
its validation rules and the values the activity log and injury records give (`rules`)."""
