"""What valid input is: the forms that the pages and the importers both check with."""
