/* stands for an authoring tool bundle; the player never runs it */
document.getElementById("app").textContent = "built by script";
