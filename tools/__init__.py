"""Developer tools that are not part of the product (never in the Lambda zips or the wheel)."""
