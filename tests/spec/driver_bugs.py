"""The driver bugs the spec runners found, each with the fix it needs.

A runner's XFAILS table maps one of these to the exact cases it breaks (strict xfails:
once the bug is fixed the cases XPASS and the table entry must go).  One text per bug, so
that suites hit by the same bug say the same thing.
"""

# None known at present: every bug the runners found has been fixed (a case that is not a
# driver bug, such as an expectation of a later specification revision, is in skips.py).
