"""Exercise mode: scaffolds a learner fills in, checks with diagnoses, grading of many files.

``catalogue`` lists the exercises; ``specs/<name>.py`` holds each one's checks against the
reference implementations; ``sandbox`` runs the learner's file in a limited child process that
only ever returns values; ``checking`` turns those values into a report; ``grading`` runs many
submissions in parallel; ``cli`` wires the commands into ``groundup``.
"""
