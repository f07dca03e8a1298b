"""The seeds' rules, checked on what a scene shows rather than on how it is coded.

``recorder`` runs a scene's ``construct`` without rendering and samples every animation at many
points in time; ``view`` reads what the viewer would see in each sample; ``expect`` says what
the scene's maths promises; ``steps`` finds each update on screen; ``checks`` holds one plain
function per rule, raising ``RuleBroken`` with the reason.
"""
